"""What the portal holds about a person, from every app: declared, exported, and kept or removed
as declared when the account is deleted (issue 13, item 10)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from familycentre.models import FamilyCentreActivity
from grants import services
from grants.models import ApplicationEvent, Review
from portal.personal_data import DECLARATIONS
from tests.conftest import PASSWORD
from tests.factories import (
    AgreementFactory,
    ApplicationFactory,
    AreaRoleFactory,
    MembershipFactory,
    area,
)

pytestmark = pytest.mark.django_db


def person_fields() -> dict[tuple[str, str], object]:
    """Every foreign key of every model to the user model, with what deleting the user does."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)
                and field.concrete
                and field.related_model._meta.label == settings.AUTH_USER_MODEL
            ):
                found[(model._meta.label, field.name)] = field.remote_field.on_delete
    return found


def test_every_field_that_refers_to_a_person_is_declared_with_what_deletion_does():
    declared = {
        (declaration.model._meta.label, field): declaration.kept
        for declaration in DECLARATIONS
        for field in declaration.fields
    }
    fields = person_fields()
    assert sorted(set(fields) - set(declared)) == [], "declare these in the app's personal_data module"
    assert sorted(set(declared) - set(fields)) == [], "these declarations name no such field"
    wrong = [key for key, kept in declared.items() if kept != (fields[key] is models.SET_NULL)]
    assert wrong == [], "kept must mean the row stays with the name removed (SET_NULL), else it goes (CASCADE)"


def test_the_export_holds_applications_events_reviews_agreements_and_activities(client):
    member = MembershipFactory.admin()
    user, organisation = member.user, member.organisation
    application = ApplicationFactory.in_review(organisation=organisation, created_by=user, submitted_by=user,
                                               title="Oma hakemus")  # fmt: skip
    services.add_message(application, user, "Kysymys koordinaattorille.", internal=False)
    agreement = AgreementFactory(organisation=organisation, status="signed", signed_by=user)
    FamilyCentreActivity.objects.create(
        organisation=organisation, name_fi="Vauvakahvila", description_fi="x", target_group="babies",
        time_and_place_fi="Ti", contact="x", created_by=user,
    ).centres.add(agreement.centre)  # fmt: skip
    client.force_login(user)
    data = json.loads(client.get(reverse("portal:my_data")).content)
    assert data["applications"][0]["title"] == "Oma hakemus"
    assert data["application_events"][0]["text"] == "Kysymys koordinaattorille."
    assert data["agreements"][0]["your_steps"] == ["signed"]
    assert data["activities_listed"] == [{"name": "Vauvakahvila", "organisation": organisation.name_fi}]
    assert data["memberships"][0]["role"] == "admin"

    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    assignment = application.assignments.create(reviewer=reviewer)
    Review.objects.create(assignment=assignment, scores={"1": 4}, comment="Hyvä.", recommended_outcome="approve")
    client.force_login(reviewer)
    reviews = json.loads(client.get(reverse("portal:my_data")).content)["reviews"]
    assert reviews == [{"application": "Oma hakemus", "reviewer": True, "assigned_by_you": False,
                        "conflict_of_interest": False, "scores": {"1": 4}, "comment": "Hyvä.",
                        "recommendation": "approve"}]  # fmt: skip


def test_a_reviewer_who_deletes_the_account_leaves_the_review_and_its_scores_unnamed(client):
    application = ApplicationFactory.in_review()
    criteria = list(application.call.criteria.all())
    reviewer = AreaRoleFactory.reviewer(area=area("05"), user__full_name="Rita Arvioija").user
    assignment = application.assignments.create(reviewer=reviewer)
    Review.objects.create(
        assignment=assignment, scores={str(c.pk): 4 for c in criteria}, recommended_outcome="approve_partly",
        recommended_amount=Decimal("15000"),
    )  # fmt: skip
    before = services.average_score(application, criteria)
    client.force_login(reviewer)
    assert client.post(reverse("portal:delete_account"), {"password": PASSWORD}).status_code == 302

    assignment.refresh_from_db()
    assert assignment.reviewer is None and assignment.review.recommended_amount == Decimal("15000")
    assert services.average_score(application, criteria) == before == Decimal("4.00")
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    assert "Former reviewer" in page and "Rita Arvioija" not in page


def test_what_someone_wrote_on_an_application_stays_when_they_leave(client):
    member = MembershipFactory()
    application = ApplicationFactory.submitted(organisation=member.organisation)
    services.add_message(application, member.user, "Viesti, joka jää.", internal=False)
    client.force_login(member.user)
    client.post(reverse("portal:delete_account"), {"password": PASSWORD})
    event = ApplicationEvent.objects.get(text="Viesti, joka jää.")
    assert event.actor is None
