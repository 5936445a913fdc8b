from __future__ import annotations

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("areas/", views.area_list, name="area_list"),
    path("areas/<str:code>/", views.area_detail, name="area_detail"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("account/profile/", views.profile, name="profile"),
    path("account/my-data.json", views.my_data, name="my_data"),
    path("account/delete/", views.delete_account, name="delete_account"),
    path("i18n/setlang/", views.set_language, name="set_language"),
]
