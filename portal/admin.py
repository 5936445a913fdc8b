from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.models import (
    AccessibilityFeedback,
    ActivityType,
    AreaRole,
    ControllerDetails,
    Municipality,
    Theme,
    User,
    WelfareArea,
)


class AreaRoleInline(admin.TabularInline):
    model = AreaRole
    extra = 0
    autocomplete_fields = ["area"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "preferred_language", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "full_name"]
    inlines = [AreaRoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]


@admin.register(AreaRole)
class AreaRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "area", "role", "title", "valid_from", "valid_to"]
    list_filter = ["role", "area"]
    search_fields = ["user__email", "user__full_name", "area__name_fi"]
    autocomplete_fields = ["user", "area"]


@admin.register(WelfareArea)
class WelfareAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "area"]
    list_filter = ["area"]
    search_fields = ["code", "name_fi", "name_sv"]


@admin.register(Theme, ActivityType)
class ReferenceListAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """The operators read the feedback here and mark it answered (within 14 days, Act 306/2019)."""

    list_display = ["created_at", "email", "language", "answer_by", "answered_at"]
    list_filter = [("answered_at", admin.EmptyFieldListFilter), "language"]
    search_fields = ["email", "name", "message"]
    readonly_fields = ["created_at", "name", "email", "page", "message", "language"]
    fields = ["created_at", "name", "email", "language", "page", "message", "answered_at"]
    actions = ["mark_answered"]

    @admin.display(description=_("answer by"))
    def answer_by(self, feedback: AccessibilityFeedback) -> datetime.datetime:
        return feedback.answer_by

    @admin.action(description=_("Mark the chosen feedback answered"))
    def mark_answered(self, request: HttpRequest, queryset: QuerySet[AccessibilityFeedback]) -> None:
        count = queryset.filter(answered_at__isnull=True).update(answered_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)s message marked answered.", "%(count)s messages marked answered.", count)
            % {"count": count},
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # feedback comes from the form


@admin.register(ControllerDetails)
class ControllerDetailsAdmin(admin.ModelAdmin):
    """The controller named by the privacy notice: one row."""

    list_display = ["name_fi", "email", "dpo_email", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ControllerDetails.objects.exists()
