from __future__ import annotations

from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("organisations/", views.directory, name="directory"),
    path("organisations/register/", views.register, name="register"),
    path("organisations/<int:pk>/", views.detail, name="detail"),
    path("organisations/<int:pk>/edit/", views.edit, name="edit"),
    path("organisations/<int:pk>/join/", views.join, name="join"),
    path("organisations/<int:pk>/members/", views.members, name="members"),
    path("organisations/<int:pk>/members/invite/", views.invite, name="invite"),
    path("organisations/<int:pk>/members/<int:membership_pk>/role/", views.change_role, name="change_role"),
    path("organisations/<int:pk>/members/<int:membership_pk>/remove/", views.remove_member, name="remove_member"),
    path(
        "organisations/<int:pk>/join-requests/<int:request_pk>/",
        views.decide_join_request,
        name="decide_join_request",
    ),
    path("organisations/<int:pk>/documents/", views.documents, name="documents"),
    path(
        "organisations/<int:pk>/documents/<int:document_pk>/download/",
        views.download_document,
        name="download_document",
    ),
    path("organisations/<int:pk>/documents/<int:document_pk>/delete/", views.delete_document, name="delete_document"),
    path("organisations/<int:pk>/verify/", views.verify, name="verify"),
    path("organisations/<int:pk>/closure-request/", views.request_closure, name="request_closure"),
    path("organisations/<int:pk>/close/", views.close, name="close"),
    path("organisations/<int:pk>/notes/", views.add_note, name="add_note"),
    path("organisations/<int:pk>/register/check/", views.check_register, name="check_register"),
    path(
        "organisations/<int:pk>/register/findings/<int:finding_pk>/handled/",
        views.handle_finding,
        name="handle_finding",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("workspace/areas/<str:code>/organisations/", views.area_organisations, name="area_organisations"),
]
