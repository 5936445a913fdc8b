from __future__ import annotations

from django.urls import path

from grants import change_request_views, review_request_views, views

app_name = "grants"

urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/apply/", views.start_application, name="start"),
    path("calls/<int:pk>/edit/", views.call_form, name="call_edit"),
    path("calls/<int:pk>/publish/", views.publish_call, name="call_publish"),
    path("calls/<int:pk>/decisions/", views.call_decisions, name="call_decisions"),
    path(
        "calls/<int:pk>/decisions/list.<str:file_format>",
        views.decision_list,
        name="decision_list",
    ),
    path("workspace/areas/<str:code>/calls/", views.manage_calls, name="manage_calls"),
    path("workspace/areas/<str:code>/calls/new/", views.call_form, name="call_create"),
    path("workspace/areas/<str:code>/applications/", views.work_list, name="work_list"),
    path("workspace/areas/<str:code>/applications/assign/", views.bulk_assign, name="bulk_assign"),
    path("workspace/reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/conflict/", views.declare_conflict, name="conflict"),
    path("organisations/<int:pk>/applications/", views.organisation_applications, name="organisation_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/edit/budget-totals/", views.budget_totals, name="budget_totals"),
    path("applications/<int:pk>/submit/", views.submit_confirm, name="submit"),
    path("applications/<int:pk>/submitted.pdf", views.submitted_pdf, name="submitted_pdf"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        views.download_attachment,
        name="download_attachment",
    ),
    path(
        "applications/<int:pk>/decision-documents/<int:document_pk>/",
        views.decision_document,
        name="decision_document",
    ),
    path("applications/<int:pk>/steps/<slug:name>/", views.transition, name="transition"),
    path("applications/<int:pk>/messages/", views.add_message, name="message"),
    path("applications/<int:pk>/assign/", views.assign, name="assign"),
    path("applications/<int:pk>/decision/", views.decision, name="decision"),
    path("applications/<int:pk>/payments/", views.add_payment, name="payment"),
    path("applications/<int:pk>/years/<int:year>/confirm/", views.confirm_year, name="confirm_year"),
    path("applications/<int:pk>/use-of-funds/", views.use_of_funds, name="use_of_funds"),
    path("applications/<int:pk>/unused-funds/waive/", views.waive_return, name="waive_return"),
    path("applications/<int:pk>/review-request/", review_request_views.file_review_request, name="file_review_request"),
    path("review-requests/<int:pk>/", review_request_views.review_request, name="review_request"),
    path("applications/<int:pk>/change-request/", change_request_views.file_change_request, name="file_change_request"),
    path("change-requests/<int:pk>/", change_request_views.change_request, name="change_request"),
    path(
        "review-requests/<int:pk>/attachments/<int:attachment_pk>/",
        review_request_views.review_request_attachment,
        name="review_request_attachment",
    ),
    path(
        "workspace/areas/<str:code>/review-requests/",
        review_request_views.area_review_requests,
        name="area_review_requests",
    ),
    path("areas/<str:code>/decisions/", views.decisions, name="decisions"),
    path("open-data/grants.json", views.open_data_json, name="open_data_json"),
    path("open-data/grants.csv", views.open_data_csv, name="open_data_csv"),
]
