from __future__ import annotations

from django.urls import path

from suomifi import views

app_name = "suomifi"

urlpatterns = [
    path("account/mandates/", views.mandate_page, name="mandates"),
    path("account/mandates/choose/", views.choose, name="choose"),
    path("account/mandates/callback/", views.mandate_callback, name="mandate_callback"),
    path("account/suomifi/logout/", views.logout, name="logout"),
]
