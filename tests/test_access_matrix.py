"""Who may reach every URL of the portal.

Every URL pattern must have an entry here; a new view without one fails
``test_every_url_pattern_has_an_entry``. Each entry is exercised as an anonymous visitor, as a
member of another organisation, as a coordinator of another area and as the rightful role, and
as a coordinator, a decision-maker and an operator who have not set up two-factor
authentication: they reach nothing but its setup, their own account and signing out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from funding.models import ContinuityReport, FundingImport
from grants import opendata
from grants.models import (
    ChangeRequest,
    Decision,
    DecisionDocument,
    FundsReturn,
    GrantYear,
    ReviewRequest,
    ReviewRequestAttachment,
)
from organisations.models import Invitation, JoinRequest, RegisterFinding
from tests.conftest import World, once
from tests.factories import (
    PDF_BYTES,
    AgreementFactory,
    ApplicationFactory,
    DocumentFactory,
    FamilyCentreActivityFactory,
    FamilyCentreFactory,
    GrantCallFactory,
    UserFactory,
)


@dataclass(frozen=True)
class Expect:
    description: str
    check: Callable[[HttpResponse], bool]

    def __repr__(self) -> str:
        return self.description


OK = Expect("200", lambda r: r.status_code == 200)
LOGIN = Expect("login redirect", lambda r: r.status_code == 302 and r.url.startswith(reverse("account_login")))
ADMIN_LOGIN = Expect("admin login", lambda r: r.status_code == 302 and r.url.startswith(reverse("admin:login")))
DENIED = Expect("403", lambda r: r.status_code == 403)
NOT_FOUND = Expect("404", lambda r: r.status_code == 404)
REDIRECT = Expect("redirect", lambda r: r.status_code == 302)
MOVED = Expect("moved for good", lambda r: r.status_code == 301)
# allauth's answer to a SAML step that was not started, or a logout message that is not there.
LOGIN_FAILED = Expect("login failed page", lambda r: r.status_code == 401)
BAD_REQUEST = Expect("400", lambda r: r.status_code == 400)
TOTP_SETUP = Expect(
    "sent to set up two-factor authentication",
    lambda r: r.status_code == 302 and r.url.startswith(reverse("mfa_activate_totp")),
)
# A step of a flow on the person's own account: shown, or (when not started) sent back or a 404.
ACCOUNT_STEP = Expect(
    "own account step",
    lambda r: r.status_code in (200, 404) or (r.status_code == 302 and not r.url.startswith(reverse("account_login"))),
)


@dataclass(frozen=True)
class Entry:
    path: Callable[[World], str]
    anonymous: Expect
    other_org_member: Expect
    other_area_coordinator: Expect
    rightful: tuple[str, Expect]
    method: str = "get"
    data: dict[str, str] | None = None


def url(name: str, **kwargs: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs=kwargs or None)


def org_url(name: str, **kwargs: Callable[[World], object]) -> Callable[[World], str]:
    """A URL about ``world.organisation``; extra kwargs are built from the world when the test runs."""
    return lambda world: reverse(
        name, kwargs={"pk": world.organisation.pk, **{key: make(world) for key, make in kwargs.items()}}
    )


def members_only(path: Callable[[World], str], rightful: str = "ngo_member", expect: Expect = OK, **kw) -> Entry:
    """The organisation's own pages and actions: outsiders are refused whatever they try."""
    return Entry(path, LOGIN, DENIED, DENIED, (rightful, expect), **kw)


def document_pk(world: World) -> int:
    return DocumentFactory(organisation=world.organisation).pk


def join_request_pk(world: World) -> int:
    return JoinRequest.objects.create(organisation=world.organisation, user=UserFactory()).pk


def register_finding_pk(world: World) -> int:
    finding = RegisterFinding.objects.create(
        organisation=world.organisation, kind=RegisterFinding.Kind.RENAMED, value="Uusi nimi ry"
    )
    return finding.pk


def invitation_token(world: World) -> str:
    return Invitation.objects.create(organisation=world.organisation, email="new@example.org").token


def application_url(
    url_name: str, status: str = "draft", **kwargs: Callable[[World, object], object]
) -> Callable[[World], str]:
    """A URL about an application of ``world.organisation`` to a call of area 05, in ``status``."""

    def build(world: World) -> str:
        application = ApplicationFactory.in_state(status, organisation=world.organisation)
        extra = {key: make(world, application) for key, make in kwargs.items()}
        return reverse(url_name, kwargs={"pk": application.pk, **extra})

    return build


def sent_decision_document(world: World, application: object) -> int:
    """A decision document as the job sends it, for a decided application."""
    decision = application.decision
    return DecisionDocument.objects.create(
        decision=decision, language="fi", pdf=ContentFile(PDF_BYTES, name="d.pdf"), sha256="0" * 64,
        decision_decided_at=decision.decided_at, sent_at=timezone.now(), notified_on=timezone.localdate(),
        review_deadline=timezone.localdate(),
    ).pk  # fmt: skip


def published_with_document(world: World) -> tuple[object, DecisionDocument]:
    """A decided application of ``world.organisation`` whose decision has been published and sent."""
    application = ApplicationFactory.in_state("decided", organisation=world.organisation)
    Decision.objects.filter(application=application).update(published_at=timezone.now())
    document = DecisionDocument.objects.get(pk=sent_decision_document(world, application))
    return application, document


def review_request_filing_url(world: World) -> str:
    application, _document = published_with_document(world)
    return reverse("grants:file_review_request", kwargs={"pk": application.pk})


def review_request_url(name: str, attachment: bool = False) -> Callable[[World], str]:
    """A URL about a request for review that ``world.organisation`` filed, with an attachment."""

    def build(world: World) -> str:
        _application, document = published_with_document(world)
        request = ReviewRequest.objects.create(
            decision=document.decision, concerns=document, demand="Koko summa.", grounds="Perustelut.", contact="x"
        )
        if not attachment:
            return reverse(name, kwargs={"pk": request.pk})
        file = ReviewRequestAttachment.objects.create(
            review_request=request, file=ContentFile(PDF_BYTES, name="liite.pdf"), original_name="liite.pdf", size=9
        )
        return reverse(name, kwargs={"pk": request.pk, "attachment_pk": file.pk})

    return build


def change_request_filing_url(world: World) -> str:
    application, _document = published_with_document(world)
    return reverse("grants:file_change_request", kwargs={"pk": application.pk})


def change_request_url(world: World) -> str:
    _application, document = published_with_document(world)
    request = ChangeRequest.objects.create(
        decision=document.decision, kind="content", description="Ryhmät verkossa.", grounds="Tilat remontissa."
    )
    return reverse("grants:change_request", kwargs={"pk": request.pk})


def later_year_of(application: object) -> int:
    """A conditional later year of the application's decision, made a multi-year grant."""
    decision = application.decision
    return GrantYear.objects.create(decision=decision, year=application.call.funding_year + 1, amount=5000).year


def unused_funds_url(name: str) -> Callable[[World], str]:
    """A URL about a closed application of ``world.organisation`` with unused funds to return."""

    def build(world: World) -> str:
        application = ApplicationFactory.in_state("closed", organisation=world.organisation)
        FundsReturn.objects.create(application=application, paid=20000, used=15000, amount=5000)
        return reverse(name, kwargs={"pk": application.pk})

    return build


def call_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": GrantCallFactory().pk})


def assignment_url(name: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        application = ApplicationFactory.in_state("in_review", organisation=world.organisation)
        return reverse(name, kwargs={"pk": application.assignments.create(reviewer=world.reviewer).pk})

    return build


def area_staff(path: Callable[[World], str], rightful: str = "coordinator", expect: Expect = OK, **kw) -> Entry:
    return Entry(path, LOGIN, DENIED, DENIED, (rightful, expect), **kw)


def centre_url(url_name: str, key: str = "pk", **kwargs: Callable[[World, object], object]) -> Callable[[World], str]:
    """A URL about a family centre of area 05 with ``world.organisation`` in its network."""

    def build(world: World) -> str:
        centre = FamilyCentreFactory.with_ngo(world.organisation)
        extra = {name: make(world, centre) for name, make in kwargs.items()}
        return reverse(url_name, kwargs={key: centre.pk, **extra})

    return build


def agreement_url(url_name: str, status: str = "sent", **kwargs: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        agreement = AgreementFactory(organisation=world.organisation, status=status)
        return reverse(url_name, kwargs={"pk": agreement.pk, **kwargs})

    return build


def activity_url(name: str) -> Callable[[World], str]:
    def build(world: World) -> str:
        centre = FamilyCentreFactory.with_ngo(world.organisation)
        activity = FamilyCentreActivityFactory(organisation=world.organisation, centres=[centre])
        return reverse(name, kwargs={"pk": activity.pk})

    return build


def report_url(url_name: str, published: bool = True, **kwargs: str) -> Callable[[World], str]:
    """A URL about a finished continuity report of area 05."""

    def build(world: World) -> str:
        report = ContinuityReport.objects.create(
            area=world.organisation.home_municipality.area, year=2026, baseline_year=2025, state="succeeded",
            pdf=ContentFile(PDF_BYTES, name="r.pdf"), csv=ContentFile(b"business_id\n", name="r.csv"),
            page=ContentFile(b"<h1>Rahoituksen jatkuvuus</h1>", name="r.html"),
            published_at=timezone.now() if published else None,
        )  # fmt: skip
        return reverse(url_name, kwargs={"pk": report.pk, **kwargs})

    return build


def import_preview_url(world: World) -> str:
    preview = FundingImport.objects.create(
        area=world.organisation.home_municipality.area, original_name="x.csv", sha256="0" * 64, state="preview",
        file=ContentFile(b"business_id;funder_kind\n", name="x.csv"),
    )  # fmt: skip
    return reverse("funding:confirm_import", kwargs={"pk": preview.pk})


def public(name: str, **kwargs: str) -> Entry:
    return Entry(url(name, **kwargs), OK, OK, OK, ("anonymous", OK))


def open_data(name: str) -> Entry:
    """The open data files, as the publishing job leaves them: public to everyone."""

    def path(world: World) -> str:
        opendata.build_release()
        return reverse(name)

    return Entry(path, OK, OK, OK, ("anonymous", OK))


def own_account(name: str) -> Entry:
    """A page about the logged-in person's own account: no object of anyone else is reachable."""
    return Entry(url(name), LOGIN, OK, OK, ("ngo_member", OK))


def own_account_step(name: str) -> Entry:
    return Entry(url(name), LOGIN, ACCOUNT_STEP, ACCOUNT_STEP, ("ngo_member", ACCOUNT_STEP))


def guests_only(name: str) -> Entry:
    return Entry(url(name), OK, REDIRECT, REDIRECT, ("anonymous", OK))


def flow_step(name: str) -> Entry:
    return Entry(url(name), REDIRECT, REDIRECT, REDIRECT, ("anonymous", REDIRECT))


MATRIX: dict[str, Entry] = {
    # Public pages.
    "home": public("home"),
    "municipality": public("municipality", code="853"),
    "portal:accessibility": public("portal:accessibility"),
    "portal:privacy": public("portal:privacy"),
    "portal:area_list": public("portal:area_list"),
    "portal:area_detail": public("portal:area_detail", code="05"),
    "healthz": public("healthz"),
    "portal:set_language": Entry(
        url("portal:set_language"), REDIRECT, REDIRECT, REDIRECT, ("anonymous", REDIRECT), "post", {"language": "sv"}
    ),
    # The person's own pages.
    "workspace:home": own_account("workspace:home"),
    "portal:profile": own_account("portal:profile"),
    # Staff pages of one area.
    "workspace:area": Entry(url("workspace:area", code="05"), LOGIN, DENIED, DENIED, ("coordinator", OK)),
    "portal:my_data": own_account("portal:my_data"),
    "portal:delete_account": own_account("portal:delete_account"),
    # Organisations: public pages.
    "organisations:directory": public("organisations:directory"),
    "organisations:detail": Entry(org_url("organisations:detail"), OK, OK, OK, ("anonymous", OK)),
    # Any logged-in person may register an organisation or ask to join one. An invitation link opens
    # for whoever holds it (it was emailed to them): logged out, it says how to sign up or log in.
    "organisations:register": own_account("organisations:register"),
    "organisations:join": Entry(org_url("organisations:join"), LOGIN, OK, OK, ("other_org_member", OK)),
    "organisations:invitation": Entry(
        lambda world: reverse("organisations:invitation", kwargs={"token": invitation_token(world)}),
        OK,
        OK,
        OK,
        ("other_org_member", OK),
    ),
    # Organisations: members only (coordinators of its areas may read).
    # A member edits the description of activity there; the administrators the whole profile.
    "organisations:edit": members_only(org_url("organisations:edit")),
    "organisations:members": members_only(org_url("organisations:members")),
    "organisations:documents": members_only(org_url("organisations:documents")),
    "organisations:download_document": members_only(
        org_url("organisations:download_document", document_pk=document_pk)
    ),
    "organisations:delete_document": members_only(
        org_url("organisations:delete_document", document_pk=document_pk), expect=REDIRECT, method="post"
    ),
    "organisations:invite": members_only(
        org_url("organisations:invite"),
        "ngo_admin",
        REDIRECT,
        method="post",
        data={"email": "colleague@example.org", "role": "member", **once()},
    ),
    "organisations:change_role": members_only(
        org_url("organisations:change_role", membership_pk=lambda w: w.ngo_member.memberships.get().pk),
        "ngo_admin",
        REDIRECT,
        method="post",
        data={"role": "admin"},
    ),
    "organisations:remove_member": members_only(
        org_url("organisations:remove_member", membership_pk=lambda w: w.ngo_member.memberships.get().pk),
        "ngo_admin",
        REDIRECT,
        method="post",
    ),
    "organisations:decide_join_request": members_only(
        org_url("organisations:decide_join_request", request_pk=join_request_pk),
        "ngo_admin",
        REDIRECT,
        method="post",
        data={"decision": "accept"},
    ),
    # Organisations: the coordinators of its areas.
    "organisations:verify": members_only(org_url("organisations:verify"), "coordinator", REDIRECT, method="post"),
    "organisations:close": members_only(org_url("organisations:close"), "coordinator", REDIRECT, method="post"),
    "organisations:request_closure": members_only(
        org_url("organisations:request_closure"), "ngo_admin", REDIRECT, method="post", data={"reason": "Purettu."}
    ),
    "organisations:add_note": members_only(
        org_url("organisations:add_note"), "coordinator", REDIRECT, method="post", data={"text": "Muistiinpano"}
    ),
    "organisations:check_register": members_only(
        org_url("organisations:check_register"), "coordinator", REDIRECT, method="post"
    ),
    "organisations:handle_finding": members_only(
        org_url("organisations:handle_finding", finding_pk=register_finding_pk), "coordinator", REDIRECT, method="post"
    ),
    "organisations:area_organisations": Entry(
        url("organisations:area_organisations", code="05"), LOGIN, DENIED, DENIED, ("coordinator", OK)
    ),
    # Grants: public.
    "grants:calls": public("grants:calls"),
    "grants:call": Entry(call_url("grants:call"), OK, OK, OK, ("anonymous", OK)),
    "grants:decisions": public("grants:decisions", code="05"),
    "grants:open_data_json": open_data("grants:open_data_json"),
    "grants:open_data_csv": open_data("grants:open_data_csv"),
    # Grants: starting an application only for one's own organisation (others are sent back).
    "grants:start": Entry(
        call_url("grants:start"),
        LOGIN,
        REDIRECT,
        REDIRECT,
        ("ngo_member", REDIRECT),
        method="post",
        data={"organisation": "0"},
    ),
    "grants:my_reviews": own_account("grants:my_reviews"),
    # Grants: the applying organisation.
    "grants:organisation_applications": members_only(org_url("grants:organisation_applications")),
    "grants:application": members_only(application_url("grants:application")),
    "grants:application_edit": members_only(application_url("grants:application_edit")),
    "grants:use_of_funds": members_only(application_url("grants:use_of_funds", "paid")),
    "grants:download_attachment": members_only(
        application_url("grants:download_attachment", attachment_pk=lambda w, a: a.attachments.get().pk)
    ),
    "grants:budget_totals": members_only(application_url("grants:budget_totals")),
    "grants:submit": members_only(application_url("grants:submit")),
    # The decision document: the organisation and the area's deciding staff (tests/test_decision_documents.py).
    "grants:decision_document": members_only(
        application_url("grants:decision_document", "decided", document_pk=sent_decision_document)
    ),
    # Requests for review: filed by the organisation's administrators (tests/test_review_requests.py).
    "grants:file_review_request": members_only(review_request_filing_url, "ngo_admin"),
    "grants:review_request": members_only(review_request_url("grants:review_request")),
    "grants:review_request_attachment": members_only(
        review_request_url("grants:review_request_attachment", attachment=True)
    ),
    # Change requests on a grant in use (tests/test_change_requests.py).
    "grants:file_change_request": members_only(change_request_filing_url, "ngo_admin"),
    "grants:change_request": members_only(change_request_url),
    "grants:submitted_pdf": members_only(application_url("grants:submitted_pdf", "submitted"), expect=REDIRECT),
    "grants:transition": members_only(
        application_url("grants:transition", name=lambda w, a: "withdraw"), expect=REDIRECT, method="post"
    ),
    "grants:message": members_only(
        application_url("grants:message", "submitted"), expect=REDIRECT, method="post", data={"text": "Hei"}
    ),
    # Grants: the staff of the call's area.
    "grants:manage_calls": area_staff(url("grants:manage_calls", code="05")),
    "grants:call_create": area_staff(url("grants:call_create", code="05")),
    "grants:call_edit": area_staff(call_url("grants:call_edit")),
    "grants:call_publish": area_staff(call_url("grants:call_publish"), expect=REDIRECT, method="post"),
    "grants:call_decisions": area_staff(call_url("grants:call_decisions")),
    "grants:decision_list": area_staff(
        lambda world: reverse("grants:decision_list", kwargs={"pk": GrantCallFactory().pk, "file_format": "csv"})
    ),
    "grants:work_list": area_staff(url("grants:work_list", code="05")),
    "grants:area_review_requests": area_staff(url("grants:area_review_requests", code="05")),
    "grants:bulk_assign": area_staff(url("grants:bulk_assign", code="05"), expect=REDIRECT, method="post"),
    "grants:assign": area_staff(application_url("grants:assign", "submitted"), expect=REDIRECT, method="post"),
    "grants:waive_return": area_staff(
        unused_funds_url("grants:waive_return"),
        expect=REDIRECT,
        method="post",
        data={"reason": "Kulut siirtyivät alkuvuodelle."},
    ),
    "grants:decision": area_staff(application_url("grants:decision", "in_review"), "decision_maker"),
    "grants:confirm_year": area_staff(
        application_url("grants:confirm_year", "decided", year=lambda w, a: later_year_of(a)),
        expect=REDIRECT,
        method="post",
    ),
    "grants:payment": area_staff(
        application_url("grants:payment", "decided"),
        expect=REDIRECT,
        method="post",
        data={"amount": "100", "paid_on": "2027-01-15", **once()},
    ),
    # Grants: the reviewer assigned; for anyone else the assignment does not exist.
    "grants:review": Entry(assignment_url("grants:review"), LOGIN, NOT_FOUND, NOT_FOUND, ("reviewer", OK)),
    "grants:conflict": Entry(
        assignment_url("grants:conflict"),
        LOGIN,
        NOT_FOUND,
        NOT_FOUND,
        ("reviewer", REDIRECT),
        method="post",
        data={"reason": "Olen jäsen."},
    ),
    # Family centres: public.
    "familycentre:area_centres": public("familycentre:area_centres", code="05"),
    "familycentre:centre": Entry(centre_url("familycentre:centre"), OK, OK, OK, ("anonymous", OK)),
    # Family centres: the coordinators of the centre's area.
    "familycentre:overview": area_staff(url("familycentre:overview", code="05")),
    "familycentre:centre_create": area_staff(url("familycentre:centre_create", code="05")),
    "familycentre:centre_edit": area_staff(centre_url("familycentre:centre_edit")),
    "familycentre:network": area_staff(centre_url("familycentre:network")),
    "familycentre:member_edit": area_staff(
        centre_url("familycentre:member_edit", member_pk=lambda w, centre: centre.members.get().pk)
    ),
    "familycentre:agreement_create": area_staff(centre_url("familycentre:agreement_create", key="centre_pk")),
    "familycentre:agreement_edit": area_staff(agreement_url("familycentre:agreement_edit", "draft")),
    # Agreements: both parties; the organisation's admin signs.
    "familycentre:agreement": members_only(agreement_url("familycentre:agreement")),
    "familycentre:agreement_pdf": members_only(agreement_url("familycentre:agreement_pdf"), expect=REDIRECT),
    "familycentre:agreement_step": members_only(
        agreement_url("familycentre:agreement_step", name="sign"), "ngo_admin", REDIRECT, method="post"
    ),
    # Family centres: the organisation's members.
    "familycentre:organisation_agreements": members_only(org_url("familycentre:organisation_agreements")),
    "familycentre:activities": members_only(org_url("familycentre:activities")),
    "familycentre:activity_edit": members_only(activity_url("familycentre:activity_edit")),
    "familycentre:activity_delete": members_only(
        activity_url("familycentre:activity_delete"), expect=REDIRECT, method="post"
    ),
    # Continuity reports: the area's coordinators; its councillors read the published ones.
    "funding:reports": area_staff(url("funding:reports", code="05"), "councillor"),
    "funding:report_status": area_staff(report_url("funding:report_status"), "councillor"),
    "funding:report_html": area_staff(report_url("funding:report_html"), "councillor"),
    "funding:report_download": area_staff(report_url("funding:report_download", kind="pdf"), "councillor"),
    "funding:report_publish": area_staff(
        report_url("funding:report_publish", published=False), expect=REDIRECT, method="post"
    ),
    "funding:funding_imports": area_staff(url("funding:funding_imports", code="05")),
    "funding:national_reports": Entry(url("funding:national_reports"), LOGIN, DENIED, DENIED, ("operator", OK)),
    "workspace:dashboard": area_staff(url("workspace:dashboard", code="05"), "councillor"),
    "funding:confirm_import": area_staff(import_preview_url, expect=REDIRECT, method="post"),
    # Operators only.
    "admin:*": Entry(url("admin:portal_arearole_changelist"), ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ("operator", OK)),
    # allauth: accounts and two-factor authentication.
    "account_login": guests_only("account_login"),
    "account_signup": guests_only("account_signup"),
    "account_logout": Entry(url("account_logout"), REDIRECT, OK, OK, ("ngo_member", OK)),
    "account_inactive": public("account_inactive"),
    "account_email_verification_sent": public("account_email_verification_sent"),
    "account_reset_password": public("account_reset_password"),
    "account_reset_password_done": public("account_reset_password_done"),
    "account_reset_password_from_key_done": public("account_reset_password_from_key_done"),
    # Unknown keys show a "link expired or invalid" page to everyone.
    "account_confirm_email": public("account_confirm_email", key="not-a-real-key"),
    "account_reset_password_from_key": public("account_reset_password_from_key", uidb36="zz", key="not-a-key"),
    "account_reauthenticate": own_account("account_reauthenticate"),
    "account_email": own_account("account_email"),
    "account_change_password": own_account("account_change_password"),
    "account_set_password": own_account_step("account_set_password"),
    "account_confirm_login_code": flow_step("account_confirm_login_code"),
    "mfa_index": own_account("mfa_index"),
    "mfa_authenticate": flow_step("mfa_authenticate"),
    "mfa_reauthenticate": own_account_step("mfa_reauthenticate"),
    "mfa_activate_totp": own_account_step("mfa_activate_totp"),
    "mfa_deactivate_totp": own_account_step("mfa_deactivate_totp"),
    "mfa_view_recovery_codes": own_account_step("mfa_view_recovery_codes"),
    "mfa_generate_recovery_codes": own_account_step("mfa_generate_recovery_codes"),
    "mfa_download_recovery_codes": own_account_step("mfa_download_recovery_codes"),
    # Suomi.fi identification (allauth's SAML and social-account pages), exercised with it switched
    # on against the suite's identity provider (tests/suomifi/): anyone may start a login, read the
    # metadata or see the outcome pages; the connections are the person's own.
    "saml_metadata": public("saml_metadata", organization_slug="suomifi"),
    "saml_login": public("saml_login", organization_slug="suomifi"),
    "saml_acs": Entry(
        url("saml_acs", organization_slug="suomifi"), REDIRECT, REDIRECT, REDIRECT, ("anonymous", REDIRECT)
    ),
    "saml_finish_acs": Entry(
        url("saml_finish_acs", organization_slug="suomifi"),
        LOGIN_FAILED,
        LOGIN_FAILED,
        LOGIN_FAILED,
        ("anonymous", LOGIN_FAILED),
    ),
    "saml_sls": Entry(
        url("saml_sls", organization_slug="suomifi"), BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, ("anonymous", BAD_REQUEST)
    ),
    "socialaccount_login_cancelled": public("socialaccount_login_cancelled"),
    "socialaccount_login_error": Entry(
        url("socialaccount_login_error"), LOGIN_FAILED, LOGIN_FAILED, LOGIN_FAILED, ("anonymous", LOGIN_FAILED)
    ),
    "socialaccount_signup": flow_step("socialaccount_signup"),
    "socialaccount_connections": own_account("socialaccount_connections"),
    "social/login/cancelled/": Entry(
        lambda world: "/accounts/social/login/cancelled/", MOVED, MOVED, MOVED, ("anonymous", MOVED)
    ),
    "social/login/error/": Entry(
        lambda world: "/accounts/social/login/error/", MOVED, MOVED, MOVED, ("anonymous", MOVED)
    ),
    "social/signup/": Entry(lambda world: "/accounts/social/signup/", MOVED, MOVED, MOVED, ("anonymous", MOVED)),
    "social/connections/": Entry(
        lambda world: "/accounts/social/connections/", MOVED, MOVED, MOVED, ("anonymous", MOVED)
    ),
    # Suomi.fi Mandates: the person's own (a choice comes back only to the browser that asked).
    "suomifi:mandates": own_account("suomifi:mandates"),
    "suomifi:choose": Entry(url("suomifi:choose"), LOGIN, REDIRECT, REDIRECT, ("ngo_member", REDIRECT)),
    "suomifi:mandate_callback": Entry(
        url("suomifi:mandate_callback"), LOGIN, REDIRECT, REDIRECT, ("ngo_member", REDIRECT)
    ),
    "suomifi:logout": Entry(url("suomifi:logout"), REDIRECT, REDIRECT, REDIRECT, ("ngo_member", REDIRECT), "post"),
}
# The entries above that need Suomi.fi switched on (it is off by default).
WITH_SUOMIFI = {key for key in MATRIX if key.startswith(("saml_", "social", "suomifi:"))}


def url_pattern_keys(patterns: list, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_pattern_keys(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            if namespace == "admin":
                yield "admin:*"
            else:
                yield ":".join(filter(None, [namespace, pattern.name or str(pattern.pattern)]))


def test_every_url_pattern_has_an_entry():
    keys = set(url_pattern_keys(get_resolver().url_patterns))
    assert keys - MATRIX.keys() == set(), "add these URL patterns to the access matrix"
    assert MATRIX.keys() - keys == set(), "these entries name URL patterns that no longer exist"


PERSONAS = ["anonymous", "other_org_member", "other_area_coordinator", "rightful"]

# What staff without two-factor authentication may still open: its setup, their own account and
# signing out (the language switch and the health check carry no data).
REACHABLE_WITHOUT_TOTP = {
    "mfa_activate_totp", "mfa_index", "mfa_reauthenticate", "mfa_authenticate", "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "account_reauthenticate", "account_logout",
    "account_email", "account_change_password", "account_set_password", "account_confirm_email", "portal:profile",
    "portal:my_data", "portal:delete_account", "portal:set_language", "healthz", "suomifi:logout", "saml_sls",
}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_access(request, client, world, key, persona):
    entry = MATRIX[key]
    if key in WITH_SUOMIFI:
        request.getfixturevalue("suomifi")
        client.defaults["HTTP_HOST"] = "localhost"  # SAML wants a host name with a dot, or localhost
    if persona == "rightful":
        user_attr, expected = entry.rightful
    else:
        user_attr, expected = persona, getattr(entry, persona)
    if user_attr != "anonymous":
        client.force_login(getattr(world, user_attr))
    path = entry.path(world)
    response = getattr(client, entry.method)(path, entry.data or {})
    assert expected.check(response), (
        f"{persona} ({user_attr}) at {path}: expected {expected}, got {response.status_code}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(MATRIX))
@pytest.mark.parametrize("person", ["coordinator_without_totp", "decision_maker_without_totp", "operator_without_totp"])
def test_staff_without_two_factor_reach_only_its_setup_and_their_account(request, client, world, key, person):
    entry = MATRIX[key]
    if key in WITH_SUOMIFI:
        request.getfixturevalue("suomifi")
        client.defaults["HTTP_HOST"] = "localhost"
    # On the pages they may open they are treated as any signed-in person with no rights there.
    expected = entry.other_area_coordinator if key in REACHABLE_WITHOUT_TOTP else TOTP_SETUP
    client.force_login(getattr(world, person))
    path = entry.path(world)
    response = getattr(client, entry.method)(path, entry.data or {})
    assert expected.check(response), f"{person} at {path}: expected {expected}, got {response.status_code}"
