"""Hostile input to every form of the portal.

Every form is opened as the person who uses it and its fields are read from the page. Then hostile
values are posted to it in two ways:

* everything hostile: every field gets the same value (100,000 characters, control characters,
  HTML and SQL fragments with letters where numbers go, a key posted twice, huge and negative
  numbers, nothing at all, bytes that are not UTF-8), and file fields hostile files;
* one field hostile: a valid submission (the page's own values, completed by the table below) with
  one field at a time replaced by hostile values of its kind (far-away dates in date fields, files
  that lie about their type, too large, with a hostile name or hostile content), so that the value
  gets past the other fields to the code that saves and shows it.

Whatever is posted, the answer is never a server error (the test client re-raises a view's
exception). A refused form says why, next to the field or in a message, and leaves every table as
it was. An accepted hostile value is stored as given, never cut short or with a NUL byte, and
shown escaped. The filter forms and other pages that read the query string get the same treatment
with GET.

Every URL pattern whose view accepts POST is in ``FORMS``, ``BUTTONS`` or ``NOT_FORMS``, and
every view that reads the query string, or page that has a GET form, is in ``GET_PAGES``: see the
completeness tests at the end.
"""

from __future__ import annotations

import fnmatch
import inspect
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from pytest_django.fixtures import Settings

from familycentre.models import CooperationAgreement
from funding.models import FundingImport
from portal.models import User
from tests.conftest import PASSWORD, World, enable_totp, totp_code
from tests.factories import (
    PDF_BYTES,
    AgreementFactory,
    ApplicationFactory,
    FamilyCentreActivityFactory,
    FamilyCentreFactory,
    MembershipFactory,
    UserFactory,
)
from tests.test_access_matrix import MATRIX, OK, application_url

pytestmark = pytest.mark.django_db

# --- Hostile values -------------------------------------------------------------------------------

HTML = "<script>alert('hostile')</script><img src=x onerror=alert(1)>\"'><b>"
# What would show on a page if HTML were not escaped.
UNESCAPED = ("<script>alert('hostile')", "<img src=x onerror")
SQL = "' OR 1=1; DROP TABLE organisations_organisation; --"
CONTROL = "a\x00b\x1bc\u202ed\x7fe\u200b"
LONG = "x" * 100_000 + "Ä"
EMOJI = "\U0001f600\ufeff\u2028ÅÄÖ\u0301"
HUGE = "1" + "0" * 40
NEW_PASSWORD = "another-horse-battery-2027"
# A sentinel: the field's name and value are sent urlencoded as bytes that are not UTF-8.
NOT_UTF8 = "\ufffenot-utf-8"

Value = list[str]
Payload = Callable[["FormField"], Value]


def same(value: str) -> Payload:
    return lambda form_field: [value]


# Far-away dates go to the date fields of a valid form (``one_field_payloads``): in a form where
# everything is hostile they would be one more string.
EVERYTHING_HOSTILE: dict[str, Payload] = {
    "100k characters": same(LONG),
    "control characters": same(CONTROL),
    # Letters where numbers go, markup, SQL, a character outside the basic plane and invisible ones.
    "html, sql and emoji": same(HTML + SQL + EMOJI),
    "key posted twice": lambda form_field: ["1", HTML],
    "1e309": same("1e309"),
    "10**40": same(HUGE),
    "negative": same("-99999999999999999999.99"),
    "empty": same(""),
    "not utf-8": same(NOT_UTF8),
}


# Files: made afresh for every post, since a post reads them to the end.
FileMaker = Callable[[], SimpleUploadedFile]
UPLOAD_LIMIT = 256 * 1024  # the tests lower PORTAL_UPLOAD_MAX_BYTES to this, to post an oversized file quickly


def good_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("talousarvio.pdf", PDF_BYTES, "application/pdf")


IMPORT_HEADER = ";".join(["business_id", "organisation_name", "organisation_municipality_code", "funder_kind",
                          "funder_code", "funder_name", "year", "amount_eur"])  # fmt: skip


def good_csv() -> SimpleUploadedFile:
    row = "0112038-9;Yhdistys ry;853;welfare_area;05;Hyvinvointialue;2024;100"
    return SimpleUploadedFile("rahoitus.csv", f"{IMPORT_HEADER}\n{row}\n".encode())


def html_as_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("raportti.pdf", HTML.encode() * 10, "application/pdf")


def oversized() -> SimpleUploadedFile:
    return SimpleUploadedFile("iso.pdf", b"%PDF-1.4\n" + b"0" * UPLOAD_LIMIT, "application/pdf")


def hostile_name() -> SimpleUploadedFile:
    """A real PDF under a name with markup, a NUL byte, SQL and 300 more letters than a name may have."""
    name = f"<img src=x onerror=alert(1)>\x00{SQL}{'ä' * 300}.pdf"
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


def hostile_csv() -> SimpleUploadedFile:
    """The columns of a funding import, with hostile cells."""
    rows = [
        f"{HTML};{HTML}{SQL};999;{HTML};05;{LONG};99999;{HUGE}",
        f"0112038-9;{EMOJI};853;welfare_area;05;{CONTROL[2:]};0001;-1",
        "0112038-9;Yhdistys ry;853;welfare_area;05;Alue;2024;1e309",
    ]
    return SimpleUploadedFile("rahoitus.csv", "\n".join([IMPORT_HEADER, *rows]).encode())


def csv_with_nul() -> SimpleUploadedFile:
    row = "0112038-9;Yhdistys\x00 ry;853;welfare_area;05;Alue;2024;100"
    return SimpleUploadedFile("rahoitus.csv", f"{IMPORT_HEADER}\n{row}".encode())


FILE_PAYLOADS: dict[str, FileMaker] = {
    "html named .pdf": html_as_pdf,
    "oversized": oversized,
    "hostile file name": hostile_name,
    "csv with hostile cells": hostile_csv,
    "csv with a NUL byte": csv_with_nul,
}


def one_field_payloads(form_field: FormField) -> Iterator[tuple[str, Value | FileMaker]]:
    """Hostile values of the field's own kind, to get past its neighbours' validation."""
    kind = form_field.kind
    if kind == "file":
        yield from FILE_PAYLOADS.items()
    elif kind == "number":
        yield from [("10**40", [HUGE]), ("negative", ["-1"])]
    elif kind in ("date", "datetime-local"):
        for day in ("0001-01-01", "9999-12-31", "99999-01-01"):
            yield f"year {day[:-6]}", [day + ("T00:00" if kind == "datetime-local" else "")]
    elif kind in ("select", "select-multiple", "checkbox", "radio"):
        # Junk is refused by any choice field (every field gets it at once above); what gets
        # through is a number too large for a key, and two choices where one is expected.
        yield "10**40", [HUGE]
        yield (
            "key posted twice",
            form_field.options[-2:] if len(form_field.options) > 1 else [*form_field.options, HTML],
        )
    elif kind == "hidden":
        yield from [("html", [HTML]), ("10**40", [HUGE])]
    else:
        yield from [("html, sql and emoji", [HTML + SQL + EMOJI]), ("control characters", [CONTROL])]
        if not form_field.bounded:
            yield "100k characters", [LONG]


# --- Reading forms from a page --------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str
    options: list[str] = field(default_factory=list)
    initial: list[str] = field(default_factory=list)
    bounded: bool = False  # the page gives a maxlength, which Django's form field enforces too


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: dict[str, FormField] = field(default_factory=dict)

    def add(self, name: str, kind: str) -> FormField:
        return self.fields.setdefault(name, FormField(name, kind))

    @property
    def inputs(self) -> list[FormField]:
        """The fields a person fills in (not the buttons nor the CSRF token)."""
        return [f for f in self.fields.values() if f.kind != "button" and f.name != "csrfmiddlewaretoken"]

    @property
    def buttons(self) -> list[FormField]:
        return [f for f in self.fields.values() if f.kind == "button"]


class FormParser(HTMLParser):
    """The forms of a page with their fields as a browser would submit them."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[HtmlForm] = []
        self.form: HtmlForm | None = None
        self.select: FormField | None = None
        self.option: tuple[str | None, bool] | None = None
        self.option_text = ""
        self.textarea: FormField | None = None
        self.templates = 0  # inside a <template>: markup a script may use, never submitted
        self.by_id: dict[str, HtmlForm] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "template":
            self.templates += 1
        if self.templates:
            return
        if tag == "form":
            action = urlsplit(a.get("action") or self.page).path
            self.form = HtmlForm((a.get("method") or "get").lower(), action)
            self.forms.append(self.form)
            if a.get("id"):
                self.by_id[a["id"]] = self.form
            return
        # A field belongs to the form around it, or to the one its form attribute names.
        form = self.by_id.get(a["form"] or "") if "form" in a else self.form
        if form is None:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("reset", "image"):
                return
            kind = "button" if kind == "submit" else kind
            form_field = form.add(a["name"], kind)
            form_field.bounded = "maxlength" in a
            value = a.get("value")
            if kind in ("checkbox", "radio", "button"):
                form_field.options.append(value if value is not None else "on")
                if "checked" in a:
                    form_field.initial.append(form_field.options[-1])
            elif kind != "file":
                form_field.initial.append(value or "")
        elif tag == "button" and a.get("name") and (a.get("type") or "submit") == "submit":
            form.add(a["name"], "button").options.append(a.get("value") or "")
        elif tag == "select" and a.get("name"):
            self.select = form.add(a["name"], "select-multiple" if "multiple" in a else "select")
        elif tag == "option" and self.select is not None:
            self.option, self.option_text = (a.get("value"), "selected" in a), ""
        elif tag == "textarea" and a.get("name"):
            self.textarea = form.add(a["name"], "textarea")
            self.textarea.bounded = "maxlength" in a
            self.textarea.initial.append("")

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option_text += data
        elif self.textarea is not None:
            self.textarea.initial[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.templates -= 1
        if self.templates:
            return
        if tag == "option" and self.select is not None and self.option is not None:
            value, selected = self.option
            self.select.options.append(value if value is not None else self.option_text.strip())
            if selected:
                self.select.initial.append(self.select.options[-1])
            self.option = None
        elif tag == "select" and self.select is not None:
            if self.select.kind == "select" and not self.select.initial and self.select.options:
                self.select.initial.append(self.select.options[0])  # what a browser sends
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # The browser drops the line break that Django writes after <textarea>.
            self.textarea.initial[-1] = self.textarea.initial[-1].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.form = None


def forms_on(response: HttpResponse, page: str) -> list[HtmlForm]:
    if response.streaming:  # a download has no forms
        return []
    parser = FormParser(page)
    parser.feed(response.content.decode())
    return parser.forms


# --- Who fills the form in ------------------------------------------------------------------------


@dataclass
class Visit:
    """One person with one browser in front of one form."""

    client: Client
    world: World
    writes: Writes
    user: User | None = None
    secret: str = ""  # the TOTP secret of ``user``, when the flow needs codes


Login = Callable[[Visit], None]


def persona(name: str) -> Login:
    def login(visit: Visit) -> None:
        visit.user = getattr(visit.world, name)
        visit.client.force_login(visit.user)

    return login


def anonymous(visit: Visit) -> None:
    visit.user = None


def fresh_member(visit: Visit) -> None:
    """A member of the organisation who may well delete their account."""
    visit.user = MembershipFactory(organisation=visit.world.organisation).user
    visit.client.force_login(visit.user)


def member_with_password(visit: Visit) -> None:
    """The member, with the password the form asks for (an accepted change sets another one)."""
    visit.user = visit.world.ngo_member
    visit.user.set_password(PASSWORD)
    visit.user.save(update_fields=["password"])
    visit.client.force_login(visit.user)


def without_password(visit: Visit) -> None:
    visit.user = UserFactory()
    visit.user.set_unusable_password()
    visit.user.save(update_fields=["password"])
    visit.client.force_login(visit.user)


def password_login(visit: Visit) -> None:
    """Someone without a second factor who gave the password just now, as adding one requires."""
    visit.user = UserFactory()
    visit.client.force_login(visit.user)
    response = visit.client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, "the password was not taken"


def staff_with_totp(visit: Visit) -> None:
    visit.user = UserFactory()
    visit.secret = enable_totp(visit.user)
    visit.client.force_login(visit.user)


def halfway_logged_in(visit: Visit) -> None:
    """A person with an authenticator app who gave the password and is asked for the code."""
    visit.user = UserFactory()
    visit.secret = enable_totp(visit.user)
    response = visit.client.post(reverse("account_login"), {"login": visit.user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")


# --- The forms ------------------------------------------------------------------------------------

# A value that completes a valid submission: fixed, or made from the visit and the field.
Fill = str | list[str] | FileMaker | Callable[[Visit, FormField], list[str]]
_numbers = itertools.count(1)


def unique_email(visit: Visit, form_field: FormField) -> list[str]:
    return [f"uusi{next(_numbers)}@example.org"]


def unique_register_number(visit: Visit, form_field: FormField) -> list[str]:
    number = next(_numbers)  # below 100 before the point: the factories' numbers are from 100 up
    return [f"{number % 100}.{number // 100 % 1000:03d}"]


def first_option(visit: Visit, form_field: FormField) -> list[str]:
    return [next(option for option in form_field.options if option)]


def member_email(visit: Visit, form_field: FormField) -> list[str]:
    return [visit.world.ngo_member.email]


def reviewer(visit: Visit, form_field: FormField) -> list[str]:
    return [str(visit.world.reviewer.pk)]


def current_code(visit: Visit, form_field: FormField) -> list[str]:
    return [totp_code(visit.secret or visit.client.session["mfa.totp.secret"])]


def in_world(make: Callable[[World], object]) -> Callable[[Visit, FormField], list[str]]:
    return lambda visit, form_field: [str(make(visit.world))]


@dataclass(frozen=True)
class Case:
    key: str  # the URL name the form posts to
    login: Login
    target: Callable[[World], str] | None = None  # the URL posted to; by default the access matrix's
    page: Callable[[str], str] | None = None  # where the form is shown, from the target; by default the target
    baseline: Mapping[str, Fill] = field(default_factory=dict)  # completes the page's values to a valid post
    pick: str = ""  # a field, or a button's "name=value", that tells the form apart from others posting to its URL
    records_refusals: frozenset[str] = frozenset()  # tables where a refusal is written down, by design
    reopen: bool = False  # whether an accepted post uses the form or the login up: open it afresh
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.key} {self.label}".strip()

    def build_target(self, world: World) -> str:
        return (self.target or MATRIX[self.key].path)(world)


def shown_on(name: str, *keep: str) -> Callable[[str], str]:
    """The page ``name`` about the target's objects (the URL kwargs named in ``keep``)."""

    def page(target: str) -> str:
        found = resolve(target).kwargs
        return reverse(name, kwargs={key: found[key] for key in keep} or None)

    return page


def home_page(target: str) -> str:
    return reverse("home")


def fresh_organisation_to_join(world: World) -> str:
    return reverse("organisations:join", kwargs={"pk": MembershipFactory.admin().organisation.pk})


def decided_call(world: World) -> str:
    application = ApplicationFactory.in_state("decided", organisation=world.organisation)
    return reverse("grants:call_decisions", kwargs={"pk": application.call.pk})


def submitted_application_in_area(world: World) -> str:
    ApplicationFactory.in_state("submitted", organisation=world.organisation)
    return reverse("grants:bulk_assign", kwargs={"code": "05"})


def transition(status: str, name: str) -> Callable[[World], str]:
    return application_url("grants:transition", status, name=lambda world, application: name)


def activities_of_a_network_member(world: World) -> str:
    FamilyCentreFactory.with_ngo(world.organisation)
    return reverse("familycentre:activities", kwargs={"pk": world.organisation.pk})


def activity_of_a_network_member(world: World) -> str:
    activity = FamilyCentreActivityFactory(
        organisation=world.organisation, centres=[FamilyCentreFactory.with_ngo(world.organisation)]
    )
    return reverse("familycentre:activity_edit", kwargs={"pk": activity.pk})


def agreement_of_a_network_member(world: World) -> str:
    centre = FamilyCentreFactory.with_ngo(world.organisation)
    return reverse("familycentre:agreement_create", kwargs={"centre_pk": centre.pk})


def draft_agreement(world: World) -> str:
    return reverse("familycentre:agreement_edit", kwargs={"pk": AgreementFactory(organisation=world.organisation).pk})


def password_reset_link(world: World) -> str:
    user = User.objects.get(pk=world.ngo_member.pk)  # the link is made from the password, which may have changed
    key = default_token_generator.make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


CALL = {
    "title_fi": "Kohdeavustukset",
    "description_fi": "Avustusta järjestöille.",
    "funding_year": "2027",
    "budget": "100000",
    "max_amount": "20000",
    "opens_at": "2027-01-01T08:00",
    "closes_at": "2027-02-01T16:00",
}
AGREEMENT = {
    "scope": "Perhekahvila.",
    "responsibilities": "Järjestö ohjaa ryhmät.",
    "area_contact": "Sanna Virtanen",
    "organisation_contact": "Aino Järvinen",
    "area_privacy_contact": "tietosuoja@example.org",
    "organisation_privacy_contact": "tietosuoja@jarjesto.example.org",
    "valid_from": "2027-01-01",
    "valid_to": "2027-12-31",
    "organisation": first_option,
}
ACTIVITY = {
    "centres": first_option,
    "name_fi": "Vauvakahvila",
    "description_fi": "Avoin kahvila vauvaperheille.",
    "target_group": first_option,
    "time_and_place_fi": "Ti 10-12, Perhekeskus",
    "contact": "kahvila@example.org",
    "languages": "fi",
}

FORMS: list[Case] = [
    # The person's own account.
    Case("portal:set_language", persona("ngo_member"), page=home_page, baseline={"language": "sv"}),
    Case("portal:profile", persona("ngo_member")),
    Case("portal:delete_account", fresh_member, baseline={"password": PASSWORD}, reopen=True),
    # The accessibility statement's feedback, from anyone.
    Case("portal:accessibility", anonymous, baseline={"email": "palaute@example.org", "message": "Lomake ei toimi."}),
    # Organisations.
    Case(
        "organisations:register",
        persona("other_org_member"),
        baseline={
            "name_fi": "Uusi yhdistys ry",
            "register_number": unique_register_number,
            "kind": "local",
            "home_municipality": in_world(lambda world: world.organisation.home_municipality_id),
        },
    ),
    # A member edits what the organisation does; an administrator the whole profile.
    Case("organisations:edit", persona("ngo_member")),
    Case("organisations:edit", persona("ngo_admin"), label="whole profile"),
    Case("organisations:join", persona("other_org_member"), target=fresh_organisation_to_join, reopen=True),
    Case(
        "organisations:invite",
        persona("ngo_admin"),
        page=shown_on("organisations:members", "pk"),
        baseline={"email": unique_email},
    ),
    Case("organisations:change_role", persona("ngo_admin"), page=shown_on("organisations:members", "pk")),
    Case(
        "organisations:decide_join_request",
        persona("ngo_admin"),
        page=shown_on("organisations:members", "pk"),
        reopen=True,
    ),
    Case(
        "organisations:documents",
        persona("ngo_member"),
        baseline={"kind": first_option, "year": "2025", "file": good_pdf},
    ),
    Case(
        "organisations:add_note",
        persona("coordinator"),
        page=shown_on("organisations:detail", "pk"),
        baseline={"text": "Tarkistettu puhelimitse."},
    ),
    Case(
        "organisations:request_closure",
        persona("ngo_admin"),
        page=shown_on("organisations:members", "pk"),
        baseline={"reason": "Yhdistys on purettu."},
    ),
    # Grants: applying.
    Case("grants:start", persona("ngo_member"), page=shown_on("grants:call", "pk"), reopen=True),
    Case("grants:application_edit", persona("ngo_member"), pick="action=save", reopen=True),
    # Attaching saves the draft too: the whole form is posted with the file.
    Case(
        "grants:application_edit",
        persona("ngo_member"),
        pick="action=attach",
        baseline={"attachment-file": good_pdf},
        reopen=True,
        label="attach",
    ),
    Case(
        "grants:message",
        persona("ngo_member"),
        target=application_url("grants:message", "submitted"),
        page=shown_on("grants:application", "pk"),
        baseline={"text": "Kysymys budjetista."},
    ),
    Case(
        "grants:transition",
        persona("ngo_member"),
        target=transition("info_requested", "answer"),
        page=shown_on("grants:application", "pk"),
        baseline={"text": "Tässä lisätiedot."},
        label="answer",
        reopen=True,
    ),
    Case(
        "grants:use_of_funds",
        persona("ngo_member"),
        target=application_url("grants:use_of_funds", "paid"),
        pick="action=save",
        baseline={"amount_used": "20000", "narrative": "Ryhmät pidettiin.", "results": "Hyvin."},
    ),
    Case(
        "grants:use_of_funds",
        persona("ngo_member"),
        target=application_url("grants:use_of_funds", "paid"),
        pick="action=attach",
        baseline={
            "amount_used": "20000",
            "narrative": "Ryhmät pidettiin.",
            "results": "Hyvin.",
            "attachment-file": good_pdf,
        },
        label="attach",
    ),
    # Grants: the area's staff.
    Case("grants:call_create", persona("coordinator"), baseline=CALL | {"grant_type": first_option}),
    Case("grants:call_edit", persona("coordinator"), reopen=True),  # a hostile post may delete a criterion
    Case(
        "grants:call_decisions",
        persona("coordinator"),
        target=decided_call,
        pick="reference",
        baseline={"reference": "§ 12/2027", "decisions": first_option},
    ),
    Case("grants:call_decisions", persona("coordinator"), target=decided_call, pick="action=publish", label="publish"),
    Case(
        "grants:bulk_assign",
        persona("coordinator"),
        target=submitted_application_in_area,
        page=shown_on("grants:work_list", "code"),
        baseline={"reviewer": reviewer, "applications": first_option},
        reopen=True,
    ),
    Case(
        "grants:transition",
        persona("coordinator"),
        target=transition("in_review", "request_info"),
        page=shown_on("grants:application", "pk"),
        baseline={"text": "Lähettäkää budjetti."},
        label="request_info",
        reopen=True,
    ),
    Case(
        "grants:message",
        persona("coordinator"),
        target=application_url("grants:message", "submitted"),
        page=shown_on("grants:application", "pk"),
        baseline={"text": "Sisäinen huomio.", "internal": "on"},
        label="staff",
    ),
    Case(
        "grants:assign",
        persona("coordinator"),
        page=shown_on("grants:application", "pk"),
        baseline={"reviewer": reviewer},
        reopen=True,
    ),
    Case(
        "grants:decision",
        persona("decision_maker"),
        baseline={"outcome": "approved", "amount": "20000", "rationale": "Hyvä hakemus, joka vastaa haun tavoitteita."},
        reopen=True,
    ),
    Case(
        "grants:payment",
        persona("coordinator"),
        page=shown_on("grants:application", "pk"),
        baseline={"amount": "100"},
    ),
    Case(
        "grants:waive_return",
        persona("coordinator"),
        page=shown_on("grants:application", "pk"),
        baseline={"reason": "Kulut siirtyivät alkuvuodelle."},
        reopen=True,  # a waiver is given once: a fresh return to waive
    ),
    # Requests for review and change requests: filed by the organisation, resolved by the area.
    Case(
        "grants:file_review_request",
        persona("ngo_admin"),
        baseline={"demand": "Koko haettu summa.", "grounds": "Toiminta laajenee.", "contact": "anna@example.org"},
        reopen=True,  # one request at a time: a fresh decision to request a review of
    ),
    Case(
        "grants:review_request",
        persona("decision_maker"),
        baseline={"resolution": "rejected", "grounds": "Päätös on harkittu ja perusteltu hyvin."},
        reopen=True,
    ),
    Case(
        "grants:file_change_request",
        persona("ngo_admin"),
        baseline={"kind": "content", "description": "Ryhmät verkossa.", "grounds": "Tilat remontissa."},
        reopen=True,
    ),
    Case(
        "grants:change_request",
        persona("coordinator"),
        baseline={"resolution": "rejected", "grounds": "Muutos ei vastaa avustuksen tarkoitusta."},
        reopen=True,
    ),
    Case(
        "grants:review",
        persona("reviewer"),
        baseline={"score_*": "3", "recommended_outcome": first_option, "comment": "Selkeä suunnitelma."},
    ),
    Case(
        "grants:conflict",
        persona("reviewer"),
        page=shown_on("grants:review", "pk"),
        baseline={"reason": "Olen yhdistyksen jäsen."},
        reopen=True,
    ),
    # Continuity reports and funding imports.
    Case("funding:reports", persona("coordinator")),
    Case("funding:national_reports", persona("operator")),
    Case(
        "funding:funding_imports",
        persona("coordinator"),
        baseline={"file": good_csv},
        records_refusals=frozenset({"grants.fundingimport"}),
    ),
    # Family centres.
    Case("familycentre:centre_create", persona("coordinator"), baseline={"name_fi": "Perhekeskus Keskusta"}),
    Case("familycentre:centre_edit", persona("coordinator")),
    Case(
        "familycentre:network",
        persona("coordinator"),
        baseline={
            "member_type": "ngo",
            "organisation": in_world(lambda world: world.other_organisation.pk),
            "representative_name": "Aino Järvinen",
            "joined_on": "2026-01-01",
        },
    ),
    Case("familycentre:member_edit", persona("coordinator")),
    Case(
        "familycentre:agreement_create",
        persona("coordinator"),
        target=agreement_of_a_network_member,
        baseline=AGREEMENT,
    ),
    Case("familycentre:agreement_edit", persona("coordinator"), target=draft_agreement),
    Case("familycentre:activities", persona("ngo_member"), target=activities_of_a_network_member, baseline=ACTIVITY),
    Case("familycentre:activity_edit", persona("ngo_member"), target=activity_of_a_network_member),
    # Accounts and two-factor authentication (allauth).
    Case("account_login", anonymous, baseline={"login": member_email, "password": PASSWORD}, reopen=True),
    Case(
        "account_signup",
        anonymous,
        baseline={
            "full_name": "Uusi Ihminen",
            "email": unique_email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        reopen=True,
    ),
    Case("account_reset_password", anonymous, baseline={"email": member_email}),
    Case(
        "account_reset_password_from_key",
        anonymous,
        target=password_reset_link,
        baseline={"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        reopen=True,
    ),
    Case("account_reauthenticate", persona("ngo_member"), baseline={"password": PASSWORD}),
    Case("account_email", persona("ngo_member"), pick="action_add", baseline={"email": unique_email}),
    Case("account_email", persona("ngo_member"), pick="action_primary", label="manage"),
    Case(
        "account_change_password",
        member_with_password,
        baseline={"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        reopen=True,
    ),
    Case(
        "account_set_password",
        without_password,
        baseline={"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        reopen=True,
    ),
    Case("mfa_authenticate", halfway_logged_in, baseline={"code": current_code}, reopen=True),
    Case("mfa_reauthenticate", staff_with_totp, baseline={"code": current_code}, reopen=True),
    Case("mfa_activate_totp", password_login, baseline={"code": current_code}, reopen=True),
]

# Views that take a POST with no input of their own: pressing the button is all.
BUTTONS = {
    "organisations:delete_document",
    "organisations:remove_member",
    "organisations:verify",
    "organisations:close",
    "organisations:invitation",
    "organisations:check_register",
    "organisations:handle_finding",
    "grants:call_publish",
    "grants:confirm_year",
    "funding:report_publish",
    "funding:confirm_import",
    "familycentre:agreement_step",
    "familycentre:activity_delete",
    "account_logout",
    "account_confirm_email",
    "mfa_deactivate_totp",
    "mfa_generate_recovery_codes",
    "suomifi:logout",
}
# Views that accept POST but are no form of the portal.
NOT_FORMS = {
    "account_confirm_login_code": "logging in with an emailed code is switched off: the view only redirects",
    "admin:*": "Django's own admin, for the operators; its forms are not the portal's",
    "": "allauth's old social-account addresses: redirects to the new ones, which answer POST as well",
    # Suomi.fi (off here): tests/test_suomifi.py posts hostile values to these with it switched on.
    "socialaccount_signup": "finishing a Suomi.fi sign-up, only with a Suomi.fi login pending in the session",
    "socialaccount_connections": "removing a connected Suomi.fi identity: one choice among the person's own",
}


# --- Posting and judging --------------------------------------------------------------------------

# How a page says that something was wrong: errors beside the fields, or an error message.
ERROR_MARKS = ('class="field-error"', 'class="error-summary"', 'class="errorlist')
MESSAGES = '<div class="messages" role="status">'
IGNORED_TABLES = {"sessions.session"}


def snapshot() -> dict[str, dict[object, tuple]]:
    """Every row of every table (but the sessions), by primary key."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in IGNORED_TABLES:
            continue
        columns = [f.attname for f in model._meta.concrete_fields]
        state[label] = {row[0]: row[1:] for row in model._base_manager.values_list("pk", *columns)}
    return state


class Writes:
    """Notices every statement that may write, so that the tables are read again only after one."""

    def __init__(self) -> None:
        self.seen = True
        self.state: dict[str, dict[object, tuple]] = {}

    def __call__(self, execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE") and "django_session" not in sql:
            self.seen = True
        return execute(sql, params, many, context)

    def tables(self) -> dict[str, dict[object, tuple]]:
        if self.seen:
            self.state, self.seen = snapshot(), False
        return self.state


@pytest.fixture
def writes() -> Iterator[Writes]:
    watcher = Writes()
    with connection.execute_wrapper(watcher):
        yield watcher


def changes_between(before: dict[str, dict], after: dict[str, dict]) -> dict[str, list[tuple]]:
    changed = {}
    for label, rows in after.items():
        old = before[label]
        if rows != old:
            changed[label] = [row for pk, row in rows.items() if old.get(pk) != row] + [
                ("deleted", pk) for pk in old.keys() - rows.keys()
            ]
    return changed


def is_html(response: HttpResponse | None) -> bool:
    return response is not None and response.get("Content-Type", "").startswith("text/html")


def text_of(response: HttpResponse) -> str:
    return response.content.decode(errors="replace")


def assert_escaped(response: HttpResponse | None, note: str) -> None:
    if is_html(response):
        html = text_of(response)
        for raw in UNESCAPED:
            assert raw not in html, f"{note}: the hostile HTML is on the page unescaped"


def shows_error(response: HttpResponse) -> bool:
    if not is_html(response):
        return False
    html = text_of(response)
    messages = html.partition(MESSAGES)[2].partition("</div>")[0]
    return "message--error" in messages or any(mark in html for mark in ERROR_MARKS)


def error_texts(response: HttpResponse) -> list[str]:
    """The error messages on a page, to say why a valid submission was refused."""
    texts, html = [], text_of(response)
    for mark in ERROR_MARKS:
        for part in html.split(mark)[1:]:
            texts.append(" ".join(part.split("</")[0:3])[:200])
    return texts


def encode(data: dict[str, Value | FileMaker]) -> dict[str, object] | bytes:
    """What the test client posts: a dict (multipart), or urlencoded bytes when something is not UTF-8."""
    if not any(NOT_UTF8 in values for values in data.values() if isinstance(values, list)):
        return {name: value() if callable(value) else value for name, value in data.items()}
    parts = []
    for name, values in data.items():
        for value in values if isinstance(values, list) else []:
            encoded = "%C3%28%FF%FE" if value == NOT_UTF8 else quote(value)
            parts.append(f"{quote(name)}={encoded}")
    return "&".join(parts).encode()


@dataclass
class Outcome:
    refused: bool
    changes: dict[str, list[tuple]]
    pages: list[HttpResponse]


def submit(visit: Visit, path: str, data: dict[str, Value | FileMaker], note: str) -> Outcome:
    """Post ``data`` as the visitor; fail on a crash; return what happened."""
    client = visit.client
    client.cookies.pop("messages", None)  # what earlier posts said is not this post's answer
    cache.clear()  # rate limits are not what this test is about
    before = visit.writes.tables()
    body = encode(data)
    try:
        if isinstance(body, bytes):
            response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        else:
            response = client.post(path, body)
    except Exception as error:
        raise AssertionError(f"{note}: the view crashed: {error!r}") from error
    assert response.status_code < 500, f"{note}: {response.status_code}"
    after = visit.writes.tables()
    said_no = any(message.level >= message_levels.ERROR for message in get_messages(response.wsgi_request))
    pages = [response]
    if response.status_code in (301, 302, 303) and has_html(data) and response.url.startswith("/"):
        # Where the hostile HTML may show: the page the person is sent to, with the messages.
        try:
            followed = client.get(response.url, follow=True)
        except Exception as error:
            raise AssertionError(f"{note}: the page after the post crashed: {error!r}") from error
        assert followed.status_code < 500, f"{note}: the page after the post: {followed.status_code}"
        pages.append(followed)
    for page in pages:
        assert_escaped(page, note)
    refused = response.status_code >= 400 or said_no or shows_error(response)
    return Outcome(refused, changes_between(before, after), pages)


def has_html(data: dict[str, Value | FileMaker]) -> bool:
    """Whether something posted holds markup, which the next page might show."""
    return any(
        values is hostile_name or (isinstance(values, list) and any(HTML in value for value in values))
        for values in data.values()
    )


def judge(case: Case, outcome: Outcome, data: dict[str, Value | FileMaker], note: str) -> None:
    if outcome.refused:
        changes = {label: rows for label, rows in outcome.changes.items() if label not in case.records_refusals}
        assert not changes, f"{note}: refused, but the database changed: {str(changes)[:2000]}"
        response = outcome.pages[0]
        if response.status_code == 400:
            assert shows_error(response), f"{note}: refused without saying why"
        return
    posted = [v for values in data.values() if isinstance(values, list) for v in values if len(v) >= 20]
    for label, rows in outcome.changes.items():
        for row in rows:
            for stored in row:
                if not isinstance(stored, str):
                    continue
                assert "\x00" not in stored, f"{note}: a NUL byte was stored in {label}"
                for value in posted:
                    value = value.strip()
                    assert value[:20] not in stored or value in stored, (
                        f"{note}: {label} stored the value cut short or changed: {stored[:80]!r}"
                    )


@dataclass
class Opened:
    """A form as the visitor sees it."""

    path: str  # where it posts
    form: HtmlForm


def open_form(case: Case, visit: Visit) -> Opened:
    target = case.build_target(visit.world)
    page = case.page(target) if case.page else target
    response = visit.client.get(page, follow=True)
    assert response.status_code == 200, f"{case.id}: the page {page} answered {response.status_code}"
    assert_escaped(response, f"{case.id}: the form's page")
    shown_at = response.request["PATH_INFO"]
    candidates = [f for f in forms_on(response, shown_at) if f.method == "post"]
    matching = [f for f in candidates if f.action == urlsplit(target).path] or [
        f for f in candidates if resolve(f.action).view_name == case.key
    ]
    if case.pick:
        name, _, value = case.pick.partition("=")
        matching = [f for f in matching if name in f.fields and (not value or value in f.fields[name].options)]
    assert matching, f"{case.id}: no form posting to {target} on {shown_at}"
    return Opened(matching[0].action, matching[0])


def baseline_of(case: Case, visit: Visit, form: HtmlForm) -> dict[str, Value | FileMaker]:
    """The page's own values, completed by the table: a submission the form accepts."""
    data: dict[str, Value | FileMaker] = {f.name: list(f.initial) for f in form.inputs if f.initial}
    name, _, value = case.pick.partition("=")
    buttons = [f for f in form.buttons if f.name == name] or form.buttons
    if buttons:
        data[buttons[0].name] = [value] if value else buttons[0].options[:1]
    for pattern, fill in case.baseline.items():
        names = [name for name in form.fields if fnmatch.fnmatchcase(name, pattern)]
        assert names, f"{case.id}: the table fills in {pattern!r}, which the form does not have"
        for name in names:
            if isinstance(fill, str):
                data[name] = [fill]
            elif isinstance(fill, list) or form.fields[name].kind == "file":
                data[name] = fill  # a list of values, or what makes the file
            else:
                data[name] = fill(visit, form.fields[name])
    return data


FREE_TEXT = ("text", "textarea")


def stored(outcome: Outcome, text: str) -> bool:
    """Whether a row that the post added or changed holds ``text`` as it was written."""
    return any(
        isinstance(value, str) and text in value for rows in outcome.changes.values() for row in rows for value in row
    )


def everything_hostile(form: HtmlForm, payload: Payload, index: int) -> dict[str, Value | FileMaker]:
    files = list(FILE_PAYLOADS.values())
    data: dict[str, Value | FileMaker] = {}
    for form_field in form.fields.values():
        if form_field.name == "csrfmiddlewaretoken":
            continue
        data[form_field.name] = files[index % len(files)] if form_field.kind == "file" else payload(form_field)
    return data


# The rows of a formset after the first are the same form again; its management form is checked
# before any row, alone (as when every field is hostile).
SAME_AGAIN = re.compile(r"-([1-9][0-9]*-|(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$)")


@pytest.fixture
def small_uploads(settings: Settings) -> None:
    settings.PORTAL_UPLOAD_MAX_BYTES = UPLOAD_LIMIT


def start(case: Case, client: Client, world: World, writes: Writes) -> tuple[Visit, Opened]:
    visit = Visit(client, world, writes)
    case.login(visit)
    return visit, open_form(case, visit)


def again(case: Case, visit: Visit) -> Opened:
    """After an accepted post: log in afresh to a fresh form (the last one may be used up)."""
    visit.client.logout()
    case.login(visit)
    return open_form(case, visit)


@pytest.mark.usefixtures("small_uploads")
@pytest.mark.parametrize("case", FORMS, ids=lambda case: case.id)
def test_every_field_hostile_at_once(client: Client, world: World, writes: Writes, case: Case) -> None:
    visit, opened = start(case, client, world, writes)
    for index, (name, payload) in enumerate(EVERYTHING_HOSTILE.items()):
        data = everything_hostile(opened.form, payload, index)
        note = f"{case.id}, every field {name}"
        outcome = submit(visit, opened.path, data, note)
        judge(case, outcome, data, note)
        if not outcome.refused and case.reopen:
            opened = again(case, visit)


@pytest.mark.usefixtures("small_uploads")
@pytest.mark.parametrize("case", FORMS, ids=lambda case: case.id)
def test_one_field_hostile_in_a_valid_form(client: Client, world: World, writes: Writes, case: Case) -> None:
    visit, opened = start(case, client, world, writes)
    data = baseline_of(case, visit, opened.form)
    outcome = submit(visit, opened.path, data, f"{case.id}, valid")
    assert not outcome.refused, f"{case.id}: the valid submission was refused: {error_texts(outcome.pages[-1])}"
    judge(case, outcome, data, f"{case.id}, valid")
    if case.reopen:
        opened = again(case, visit)
    for form_field in opened.form.inputs:
        if SAME_AGAIN.search(form_field.name):
            continue
        for name, value in one_field_payloads(form_field):
            data = baseline_of(case, visit, opened.form) | {form_field.name: value}
            note = f"{case.id}, {form_field.name} {name}"
            outcome = submit(visit, opened.path, data, note)
            judge(case, outcome, data, note)
            if not outcome.refused and outcome.changes and form_field.kind in FREE_TEXT and isinstance(value, list):
                assert stored(outcome, value[0].strip()), f"{note}: accepted, but the text was not stored as given"
            if not outcome.refused and case.reopen:
                opened = again(case, visit)
    if not case.reopen:
        # The form was used all along without opening it again: it must still take a valid post.
        data = baseline_of(case, visit, opened.form)
        outcome = submit(visit, opened.path, data, f"{case.id}, valid at the end")
        assert not outcome.refused, f"{case.id}: the valid submission was refused at the end"


@pytest.mark.parametrize(
    ("key", "field_name", "value", "shown"),
    [
        ("organisations:edit", "description_fi", [HTML], "&lt;script&gt;alert(&#x27;hostile&#x27;)&lt;/script&gt;"),
        ("grants:message", "text", [HTML], "&lt;script&gt;alert(&#x27;hostile&#x27;)&lt;/script&gt;"),
        ("organisations:documents", "file", hostile_name, "&lt;img src=x onerror=alert(1)&gt;"),
    ],
)
def test_accepted_markup_is_shown_as_text(
    client: Client, world: World, writes: Writes, key: str, field_name: str, value: Value | FileMaker, shown: str
) -> None:
    """The other tests check that no page shows hostile markup raw; here it is seen escaped, as text."""
    case = next(case for case in FORMS if case.id == key)
    visit, opened = start(case, client, world, writes)
    data = baseline_of(case, visit, opened.form) | {field_name: value}
    outcome = submit(visit, opened.path, data, key)
    assert not outcome.refused
    assert shown in text_of(outcome.pages[-1])


@pytest.mark.parametrize("make", [good_csv, hostile_csv, csv_with_nul], ids=lambda make: make.__name__)
def test_an_import_that_passes_its_check_imports_cleanly(
    client: Client, world: World, writes: Writes, make: FileMaker
) -> None:
    """A funding import is checked first and imported when confirmed: a file that passes the check
    must import without a crash and without storing what it would not show."""
    case = next(case for case in FORMS if case.key == "funding:funding_imports")
    visit, opened = start(case, client, world, writes)
    data: dict[str, Value | FileMaker] = baseline_of(case, visit, opened.form) | {"file": make}
    checked = submit(visit, opened.path, data, f"{make.__name__}, checked")
    judge(case, checked, data, f"{make.__name__}, checked")
    preview = FundingImport.objects.filter(state=FundingImport.State.PREVIEW).first()
    assert (preview is None) == checked.refused
    if preview is not None:
        confirm = reverse("funding:confirm_import", kwargs={"pk": preview.pk})
        outcome = submit(visit, confirm, {}, f"{make.__name__}, imported")
        judge(case, outcome, data, f"{make.__name__}, imported")
        assert FundingImport.objects.filter(state=FundingImport.State.IMPORTED).exists()
    assert (preview is not None) == (make is good_csv), "only the valid file gets past the check"


def test_a_hostile_agreement_is_sent_with_its_pdf(
    client: Client, world: World, writes: Writes, django_capture_on_commit_callbacks: Callable
) -> None:
    """Text an agreement takes goes into its PDF and the emails of its steps: as text, and without a crash."""
    case = next(case for case in FORMS if case.key == "familycentre:agreement_create")
    visit, opened = start(case, client, world, writes)
    free_text = HTML + SQL + EMOJI + CONTROL.replace("\x00", "")
    hostile = {"scope": [free_text], "responsibilities": [free_text], "premises": [free_text]}
    data = baseline_of(case, visit, opened.form) | hostile | {"area_contact": [HTML + SQL + EMOJI]}
    assert not submit(visit, opened.path, data, "draft").refused
    agreement = CooperationAgreement.objects.get(scope=free_text)
    send = reverse("familycentre:agreement_step", kwargs={"pk": agreement.pk, "name": "send"})
    with django_capture_on_commit_callbacks(execute=True):
        assert not submit(visit, send, {}, "sent").refused
    agreement.refresh_from_db()
    assert agreement.status == "sent" and agreement.pdf_is_current
    html = render_to_string("familycentre/agreement_pdf.html", {"agreement": agreement})
    assert "&lt;script&gt;" in html and not any(raw in html for raw in UNESCAPED)


# --- Buttons --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(BUTTONS))
def test_buttons_take_hostile_extras_in_their_stride(client: Client, world: World, writes: Writes, key: str) -> None:
    """A button posts nothing of its own: whatever else is posted along is ignored, never a crash."""
    entry = MATRIX[key]
    visit = Visit(client, world, writes)
    persona_name = entry.rightful[0]
    if persona_name != "anonymous":
        persona(persona_name)(visit)
    path = entry.path(world)
    junk: dict[str, Value | FileMaker] = {
        "next": [HTML],
        "name": [CONTROL],
        "action": [HUGE, "-1"],
        "text": [LONG],
        "id": ["1e309"],
        "file": hostile_name,
    }
    for note, data in (("hostile extras", junk), ("not utf-8", {"next": [NOT_UTF8], "id": [NOT_UTF8]})):
        submit(visit, path, data, f"{key}, {note}")


# --- The query string -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """A page that reads its query string: its GET form's fields and ``extra`` parameters."""

    key: str
    extra: tuple[str, ...] = ()
    answer: int = 200  # what the plain GET answers: a page, or a redirect for a step that is no page


GET_PAGES: list[Listing] = [
    Listing("home"),
    Listing("organisations:directory", ("page",)),
    Listing("organisations:area_organisations", ("page",)),
    Listing("organisations:register"),  # the look-up in the association register
    Listing("grants:calls"),
    Listing("grants:work_list", ("page", "format")),
    Listing("grants:decisions", ("year",)),
    Listing("grants:my_reviews", ("show", "page")),
    Listing("workspace:dashboard", ("year",)),
    Listing("funding:funding_imports", ("checked",)),
    # The first plain GET records the organisation's first opening; the hostile ones write nothing.
    Listing("grants:decision_document", ("copy",)),
    Listing("grants:budget_totals", ("budget-TOTAL_FORMS", "budget-0-amount", "budget-0-kind", "requested_amount")),
    Listing("familycentre:area_centres"),
    Listing("familycentre:centre"),
    Listing("account_login", ("next",)),
    Listing("account_signup", ("next",)),
    Listing("mfa_activate_totp", ("next",)),
    # Suomi.fi Mandates' answer, with Suomi.fi switched on: sent back to the mandates page.
    Listing("suomifi:mandate_callback", ("code", "state"), answer=302),
]


def fetch(visit: Visit, path: str, query: dict[str, Value], note: str) -> None:
    """GET ``path`` with ``query``; a GET answers, never crashes and never writes."""
    parts = []
    for name, values in query.items():
        for value in values:
            parts.append(f"{quote(name)}={'%C3%28%FF%FE' if value == NOT_UTF8 else quote(value)}")
    before = visit.writes.tables()
    try:
        response = visit.client.get(f"{path}?{'&'.join(parts)}")
    except Exception as error:
        raise AssertionError(f"{note}: the view crashed: {error!r}") from error
    assert response.status_code < 500, f"{note}: {response.status_code}"
    assert_escaped(response, note)
    changes = changes_between(before, visit.writes.tables())
    assert not changes, f"{note}: a GET changed the database: {str(changes)[:500]}"


@pytest.mark.parametrize("listing", GET_PAGES, ids=lambda listing: listing.key)
def test_hostile_query_strings(
    request: pytest.FixtureRequest, client: Client, world: World, writes: Writes, listing: Listing
) -> None:
    entry = MATRIX[listing.key]
    if listing.key.startswith("suomifi:"):
        request.getfixturevalue("suomifi")
    visit = Visit(client, world, writes)
    persona_name = entry.rightful[0]
    if listing.key == "mfa_activate_totp":
        password_login(visit)
    elif persona_name != "anonymous":
        persona(persona_name)(visit)
    path = entry.path(world)
    response = client.get(path)
    assert response.status_code == listing.answer, f"{listing.key}: {response.status_code}"
    fields = {f.name: f for form in forms_on(response, path) if form.method == "get" for f in form.inputs}
    fields |= {name: FormField(name, "text") for name in listing.extra}
    assert fields, f"{listing.key}: no parameters to try"
    for name, payload in EVERYTHING_HOSTILE.items():
        fetch(visit, path, {field_name: payload(f) for field_name, f in fields.items()}, f"{listing.key}, all {name}")
    for f in fields.values():
        for name, value in one_field_payloads(f):
            if isinstance(value, list):  # a GET form has no file fields
                fetch(visit, path, {f.name: value}, f"{listing.key}, {f.name} {name}")


# --- Completeness ---------------------------------------------------------------------------------


def url_views(patterns: list | None = None, namespace: str = "") -> Iterator[tuple[str, Callable]]:
    """(key, view) for every URL pattern, keyed as in the access matrix."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_views(pattern.url_patterns, ":".join(filter(None, [namespace, pattern.namespace])))
        elif isinstance(pattern, URLPattern):
            key = "admin:*" if namespace == "admin" else ":".join(filter(None, [namespace, pattern.name]))
            yield key, pattern.callback


def view_source(view: Callable) -> str:
    return inspect.getsource(inspect.unwrap(view))


def accepts_post(view: Callable) -> bool:
    """A class-based view with a ``post`` method, or a function that reads posted data or asks for POST."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post") and "post" in view_class.http_method_names
    return any(word in view_source(view) for word in ("request.POST", "request.FILES", "require_POST", '"POST"'))


def reads_query_string(view: Callable) -> bool:
    return getattr(view, "view_class", None) is None and "request.GET" in view_source(view)


def test_every_view_that_accepts_post_is_in_a_table() -> None:
    posting = {key for key, view in url_views() if accepts_post(view)}
    listed = {case.key for case in FORMS} | BUTTONS | NOT_FORMS.keys()
    assert posting - listed == set(), "add these forms to FORMS (or to BUTTONS or NOT_FORMS, with a reason)"
    assert listed - posting == set(), "these entries name no view that accepts POST"
    assert {case.key for case in FORMS}.isdisjoint(BUTTONS | NOT_FORMS.keys())


def test_every_view_that_reads_the_query_string_is_in_the_table() -> None:
    reading = {key for key, view in url_views() if reads_query_string(view)} - NOT_FORMS.keys()
    assert reading - {listing.key for listing in GET_PAGES} == set(), "add these pages to GET_PAGES"


def test_every_form_on_the_portals_pages_is_in_a_table(client: Client, world: World) -> None:
    """What the pages show, as their rightful users see them: every form posts to a URL in the
    tables, and every page with a GET form is in GET_PAGES."""
    posted_to, get_forms = set(), set()
    for key, entry in MATRIX.items():
        if entry.method != "get" or key == "admin:*" or entry.rightful[1] is not OK:
            continue
        persona_name = entry.rightful[0]
        client.logout()
        if persona_name != "anonymous":
            client.force_login(getattr(world, persona_name))
        path = entry.path(world)
        response = client.get(path)
        if response.status_code != 200 or not is_html(response):
            continue
        for form in forms_on(response, path):
            if form.method == "post":
                posted_to.add(resolve(form.action).view_name)
            elif form.inputs:
                get_forms.add(key)
    assert posted_to - ({case.key for case in FORMS} | BUTTONS | NOT_FORMS.keys()) == set()
    assert get_forms - {listing.key for listing in GET_PAGES} == set()
    assert len(posted_to) > 20, "the pages were not read: the check would pass whatever they hold"
