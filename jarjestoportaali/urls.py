from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from jarjestoportaali import views
from portal import views as portal_views

# The admin logs in through allauth, so rate limits and TOTP apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's documented way
admin.site.site_header = "Järjestöportaali"

handler500 = portal_views.server_error

workspace_patterns = (
    [
        path("workspace/", views.workspace, name="home"),
        path("workspace/areas/<str:code>/", views.area_workspace, name="area"),
        path("workspace/areas/<str:code>/dashboard/", views.area_dashboard, name="dashboard"),
    ],
    "workspace",
)

urlpatterns = [
    path("", views.front_page, name="home"),
    path("municipalities/<str:code>/", views.municipality_page, name="municipality"),
    path("", include("portal.urls")),
    path("", include(workspace_patterns)),
    path("", include("organisations.urls")),
    path("", include("grants.urls")),
    path("", include("funding.urls")),
    path("", include("familycentre.urls")),
    path("", include("suomifi.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", portal_views.healthz, name="healthz"),
]
