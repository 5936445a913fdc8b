from __future__ import annotations

from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("workspace/areas/<str:code>/reports/", views.report_list, name="reports"),
    path("workspace/areas/<str:code>/funding-imports/", views.funding_imports, name="funding_imports"),
    path("funding-imports/<int:pk>/confirm/", views.confirm_import, name="confirm_import"),
    path("national/reports/", views.national_reports, name="national_reports"),
    path("reports/<int:pk>/", views.report_detail, name="report_status"),
    path("reports/<int:pk>/view/", views.report_html, name="report_html"),
    path("reports/<int:pk>/download/<str:kind>/", views.report_download, name="report_download"),
    path("reports/<int:pk>/publish/", views.report_publish, name="report_publish"),
]
