from __future__ import annotations

from django.contrib import admin

from organisations.models import Membership, Organisation, RegisterFinding


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "business_id", "register_number", "kind", "home_municipality"]
    list_filter = ["kind", "home_municipality__area"]
    search_fields = ["name_fi", "name_sv", "business_id", "register_number"]
    autocomplete_fields = ["home_municipality"]
    inlines = [MembershipInline]


@admin.register(RegisterFinding)
class RegisterFindingAdmin(admin.ModelAdmin):
    """What the weekly register check found; the coordinators handle them on the organisation's page."""

    list_display = ["organisation", "kind", "value", "found_at", "notified_at", "handled_at"]
    list_filter = ["kind", "handled_at"]
    search_fields = ["organisation__name_fi", "organisation__business_id", "value"]
    raw_id_fields = ["organisation", "handled_by"]
