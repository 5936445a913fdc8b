from __future__ import annotations

from django.urls import path

from familycentre import views

app_name = "familycentre"

urlpatterns = [
    path("family-centres/areas/<str:code>/", views.area_centres, name="area_centres"),
    path("family-centres/<int:pk>/", views.centre_detail, name="centre"),
    path("family-centres/<int:pk>/edit/", views.centre_form, name="centre_edit"),
    path("family-centres/<int:pk>/network/", views.network, name="network"),
    path("family-centres/<int:pk>/network/<int:member_pk>/", views.member_edit, name="member_edit"),
    path("family-centres/<int:centre_pk>/agreements/new/", views.agreement_form, name="agreement_create"),
    path("workspace/areas/<str:code>/family-centres/", views.overview, name="overview"),
    path("workspace/areas/<str:code>/family-centres/new/", views.centre_form, name="centre_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_form, name="agreement_edit"),
    path("agreements/<int:pk>/steps/<slug:name>/", views.agreement_step, name="agreement_step"),
    path("agreements/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("organisations/<int:pk>/agreements/", views.organisation_agreements, name="organisation_agreements"),
    path("organisations/<int:pk>/activities/", views.activities, name="activities"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
]
