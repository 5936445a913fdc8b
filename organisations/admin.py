from __future__ import annotations

from django.contrib import admin

from organisations.models import Membership, Organisation


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
