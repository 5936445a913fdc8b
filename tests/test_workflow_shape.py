"""Both workflows have one shape: a table of transitions in the app's workflow.py, an enum of
actors, one refusal (a ValidationError) that a view shows in full, and a workflow that does not
reach back into its services. The statuses in which the report on the use of funds is written are
defined once."""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from familycentre import services as familycentre_services
from familycentre import workflow as familycentre_workflow
from grants import permissions
from grants import services as grants_services
from grants import workflow as grants_workflow
from grants.models import REPORT_EDITABLE, Status
from portal import workflow as core
from portal.workflow import Refusal, show_refusal
from tests.factories import AgreementFactory, ApplicationFactory, AreaRoleFactory, MembershipFactory, area

BASE_DIR = Path(__file__).resolve().parent.parent
WORKFLOWS = [grants_workflow, familycentre_workflow]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda module: module.__name__)
def test_each_workflow_is_a_table_of_the_shared_transition_with_an_enum_of_actors(workflow):
    assert issubclass(workflow.Actor, StrEnum)
    assert workflow.TRANSITIONS and all(isinstance(t, core.Transition) for t in workflow.TRANSITIONS)
    assert all(t.sources and t.actors <= set(workflow.Actor) for t in workflow.TRANSITIONS)
    assert {t.name: t for t in workflow.TRANSITIONS} == workflow.BY_NAME


@pytest.mark.parametrize("path", ["grants/workflow.py", "familycentre/workflow.py"])
def test_a_workflow_does_not_import_its_services(path):
    """Services save the steps the workflow allows: the imports go one way, none hidden in a function."""
    imported = set()
    for node in ast.walk(ast.parse((BASE_DIR / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
    app = path.split("/")[0]
    assert [name for name in imported if name.startswith(f"{app}.services")] == []


@pytest.mark.django_db
def test_the_grant_workflow_refuses_with_the_shared_refusal():
    application = ApplicationFactory.in_state("closed")
    coordinator = AreaRoleFactory.coordinator(area=application.call.area).user
    with pytest.raises(Refusal) as refused:
        grants_services.take_step(application, "start_review", coordinator)
    assert isinstance(refused.value, ValidationError)
    assert refused.value.code == "wrong_state"
    assert refused.value.messages == ["This step is not possible while the application is “Closed”."]


@pytest.mark.django_db
def test_a_requirement_of_a_grant_step_refuses_with_the_shared_refusal():
    application = ApplicationFactory(complete=False, summary="")
    member = MembershipFactory(organisation=application.organisation).user
    with pytest.raises(Refusal) as refused:
        grants_services.take_step(application, "submit", member)
    assert refused.value.code == "application_is_complete"
    assert refused.value.messages[0].startswith("The application is not complete.")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "name", "code"),
    [("active", "send", "wrong_state"), ("draft", "sign", "wrong_state"), ("draft", "nonsense", "unknown")],
)
def test_the_agreement_workflow_refuses_with_the_shared_refusal(status, name, code):
    agreement = AgreementFactory(status=status)
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    with pytest.raises(Refusal) as refused:
        familycentre_services.take_step(agreement, name, coordinator)
    assert isinstance(refused.value, ValidationError)
    assert refused.value.code == code


@pytest.mark.django_db
def test_a_step_of_the_other_side_is_refused_in_both_workflows():
    agreement = AgreementFactory(status="sent")  # the organisation signs, not the coordinator
    with pytest.raises(Refusal) as agreement_refused:
        familycentre_services.take_step(agreement, "sign", AreaRoleFactory.coordinator(area=area("05")).user)
    application = ApplicationFactory.submitted()  # the coordinator starts the review, not the applicant
    member = MembershipFactory(organisation=application.organisation).user
    with pytest.raises(Refusal) as application_refused:
        grants_services.take_step(application, "start_review", member)
    assert agreement_refused.value.messages == application_refused.value.messages == ["You may not take this step."]


def test_the_view_helper_shows_every_message_of_a_refusal():
    request = RequestFactory().get("/")
    request._messages = CookieStorage(request)
    show_refusal(request, Refusal(["The call is closed.", "The application is not complete."]))
    show_refusal(request, ValidationError({"amount": ["Too much."], "confirm_unverified": ["Confirm it."]}))
    shown = [(message.level_tag, message.message) for message in get_messages(request)]
    assert shown == [
        ("error", "The call is closed."),
        ("error", "The application is not complete."),
        ("error", "Too much."),
        ("error", "Confirm it."),
    ]


@pytest.mark.django_db
def test_a_refused_step_is_shown_on_the_page_with_its_status(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    application = ApplicationFactory.in_state("closed")
    client.force_login(AreaRoleFactory.coordinator(area=application.call.area).user)
    client.cookies["django_language"] = "en"
    url = reverse("grants:transition", kwargs={"pk": application.pk, "name": "start_review"})
    html = client.post(url, follow=True).content.decode()
    assert "This step is not possible while the application is “Closed”." in html


# --- The statuses in which the report on the use of funds is written ----------------------------


def test_the_report_is_submitted_from_the_statuses_it_is_written_in():
    assert grants_workflow.BY_NAME["submit_report"].sources is REPORT_EDITABLE


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DECIDED, Status.PAID, Status.REPORT_SUBMITTED, Status.REPORT_RETURNED])
def test_the_report_pages_follow_the_one_definition(client, status):
    application = ApplicationFactory.in_state(status)
    member = MembershipFactory(organisation=application.organisation).user
    editable = status in REPORT_EDITABLE
    assert permissions.can_write_report(member, application) is editable
    assert not permissions.can_write_report(AreaRoleFactory.coordinator(area=application.call.area).user, application)
    client.force_login(member)
    client.cookies["django_language"] = "en"
    detail = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    assert ("Write the report on the use of funds" in detail) is editable
    page = client.get(reverse("grants:use_of_funds", kwargs={"pk": application.pk})).content.decode()
    assert ('value="save"' in page) is editable
