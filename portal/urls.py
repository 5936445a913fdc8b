from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import views

# The admin logs in through allauth, so rate limits and TOTP apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Järjestöportaali"

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("areas/", views.area_list, name="area_list"),
        path("areas/<str:code>/", views.area_detail, name="area_detail"),
        path("workspace/", views.workspace, name="workspace"),
        path("workspace/areas/<str:code>/", views.area_workspace, name="area_workspace"),
        path("workspace/areas/<str:code>/dashboard/", views.area_dashboard, name="area_dashboard"),
        path("account/profile/", views.profile, name="profile"),
        path("account/my-data.json", views.my_data, name="my_data"),
        path("account/delete/", views.delete_account, name="delete_account"),
        path("i18n/setlang/", views.set_language, name="set_language"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("", include("organisations.urls")),
    path("", include("grants.urls")),
    path("", include("funding.urls")),
    path("", include("familycentre.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
