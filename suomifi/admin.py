from __future__ import annotations

from django.contrib import admin

from suomifi.models import MandateCheck


@admin.register(MandateCheck)
class MandateCheckAdmin(admin.ModelAdmin):
    list_display = ["asked_at", "user", "business_id", "organisation_name", "allowed"]
    search_fields = ["business_id", "organisation_name"]
    readonly_fields = ["user", "business_id", "organisation_name", "roles", "allowed", "asked_at"]
