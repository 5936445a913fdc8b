"""The national demo data set (``seed_demo --scale national``), built small: its shape, its
consistency with the workflow, the people who use it, and that one seed gives one data set."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.urls import reverse

from familycentre.models import CooperationAgreement, FamilyCentre, FamilyCentreActivity
from funding.models import FundingRecord
from grants import opendata
from grants.models import Application, Decision, GrantCall, Review, Status
from jarjestoportaali.demo import DEMO_PASSWORD
from jarjestoportaali.national_demo import NationalDataExists, seed_national
from organisations.models import Membership, Organisation
from portal.models import AreaRole, User, WelfareArea
from tests.conftest import enable_totp

pytestmark = pytest.mark.django_db

SIZE = 0.02  # 220 organisations and 300 applications
DECIDED = [Status.DECIDED, Status.PAID, Status.REPORT_SUBMITTED, Status.REPORT_RETURNED, Status.CLOSED]


@pytest.fixture
def national(settings) -> dict[str, int]:
    settings.DEMO_MODE = True
    return seed_national(size=SIZE)


def test_counts_follow_the_size(national):
    assert national["applications"] == Application.objects.count() == 300
    assert national["organisations"] == Organisation.objects.count()
    assert 220 <= national["organisations"] <= 260  # every area has at least a few, however small the size
    assert 0.7 * 40_000 * SIZE < FundingRecord.objects.count() < 1.3 * 40_000 * SIZE
    assert national["calls"] == GrantCall.objects.count() == 22 * 4 * 2
    assert national["decisions"] == Decision.objects.count() > 0
    assert national["centres"] == FamilyCentre.objects.count() >= 22
    assert national["agreements"] == CooperationAgreement.objects.count() > 0


def test_every_area_has_published_calls_for_2023_to_2026(national):
    years = GrantCall.objects.published().values_list("area__code", "funding_year").distinct()
    assert set(years) == {(area.code, year) for area in WelfareArea.objects.all() for year in range(2023, 2027)}


def test_organisations_form_national_district_and_local_levels_by_population(national):
    districts = Organisation.objects.filter(kind=Organisation.Kind.DISTRICT)
    assert districts.exists()
    assert not districts.exclude(parent__kind=Organisation.Kind.NATIONAL).exists()
    branches = Organisation.objects.filter(kind=Organisation.Kind.LOCAL, parent__isnull=False)
    assert not branches.exclude(parent__kind=Organisation.Kind.DISTRICT).exists()
    for branch in branches.select_related("home_municipality", "parent__home_municipality"):
        assert branch.home_municipality.area_id == branch.parent.home_municipality.area_id
    areas_with_branches = set(branches.values_list("home_municipality__area__code", flat=True))
    assert areas_with_branches == set(WelfareArea.objects.values_list("code", flat=True))
    per_area = dict(Organisation.objects.values_list("home_municipality__area__code").annotate(n=Count("id")))
    assert per_area["90"] > per_area["08"] > per_area["20"]  # Helsinki, Pirkanmaa, Kainuu


def test_applications_span_the_workflow_and_each_state_has_what_the_workflow_requires(national):
    assert set(Application.objects.values_list("status", flat=True)) >= {
        Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.DECIDED, Status.PAID, Status.CLOSED,
        Status.WITHDRAWN, Status.REPORT_SUBMITTED,
    }  # fmt: skip
    decided = Application.objects.filter(status__in=DECIDED)
    assert not decided.filter(decision__isnull=True).exists()
    assert not Application.objects.exclude(status__in=DECIDED).filter(decision__isnull=False).exists()
    assert not decided.filter(assignments__review__isnull=True).exists()
    for review in Review.objects.filter(assignment__application__in=decided).select_related("assignment__application"):
        criteria = review.assignment.application.call.criteria.values_list("pk", flat=True)
        assert set(review.scores) == {str(pk) for pk in criteria}
    granted = Decision.objects.granted()
    assert granted.count() == FundingRecord.objects.filter(source=FundingRecord.Source.DECISION).count()
    for decision in granted.filter(application__status=Status.PAID).annotate(paid=Sum("payments__amount")):
        assert decision.paid == decision.amount
    assert not Application.objects.filter(status=Status.CLOSED, use_of_funds_report__isnull=True).exists()
    for application in Application.objects.exclude(status=Status.DRAFT).prefetch_related("events"):
        assert list(application.events.all())[-1].to_status == application.status
    for call in GrantCall.objects.all():
        assert call.decided_total() <= call.budget


def test_each_area_has_staff_and_applicants_have_an_admin_who_can_log_in(national):
    for area in WelfareArea.objects.all():
        for role in ("coordinator", "reviewer", "decision_maker"):
            user = User.objects.get(email=f"{role.replace('_', '-')}-{area.code}@example.org")
            assert AreaRole.objects.active().filter(user=user, area=area, role=role).exists()
    assert not Organisation.objects.filter(applications__isnull=False, memberships__isnull=True).exists()
    admin = Membership.objects.admins().select_related("user").first().user
    assert admin.email.startswith("ngo-")
    assert admin.check_password(DEMO_PASSWORD)
    assert admin.emailaddress_set.get().verified


def test_the_pages_of_the_largest_area_render_with_the_national_data(national, client):
    code = Application.objects.values("call__area__code").annotate(n=Count("id")).order_by("-n")[0]["call__area__code"]
    coordinator = User.objects.get(email=f"coordinator-{code}@example.org")
    enable_totp(coordinator)
    client.force_login(coordinator)
    work_list = client.get(reverse("grants:work_list", kwargs={"code": code}))
    assert work_list.status_code == 200
    assert (
        work_list.context["page"].paginator.count
        == Application.objects.in_area(work_list.context["area"]).submitted().count()
    )
    assert client.get(reverse("grants:decisions", kwargs={"code": code}), {"year": "2025"}).status_code == 200
    assert client.get(reverse("organisations:directory")).status_code == 200
    opendata.build_release()
    response = client.get(reverse("grants:open_data_json"))
    grants = json.loads(b"".join(response.streaming_content))["grants"]
    assert len(grants) == Decision.objects.granted().published().count()
    assert sum(Decimal(str(grant["amountAwarded"])) for grant in grants) > 0


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(settings):
    settings.DEMO_MODE = True

    def build(seed: int) -> tuple[list[tuple[str, str | None, str | None]], list[tuple[str, str, Decimal]]]:
        with transaction.atomic():
            seed_national(size=0.005, seed=seed)
            organisations = list(Organisation.objects.order_by("pk").values_list("name_fi", "business_id",
                                                                                 "register_number"))  # fmt: skip
            applications = list(Application.objects.order_by("pk").values_list("organisation__name_fi", "status",
                                                                                "requested_amount"))  # fmt: skip
            transaction.set_rollback(True)
        return organisations, applications

    first = build(7)
    assert first == build(7)
    assert first[0] != build(8)[0]


def test_a_second_national_seed_is_refused(settings):
    settings.DEMO_MODE = True
    seed_national(size=0.005)
    with pytest.raises(NationalDataExists):
        seed_national(size=0.005)
    with pytest.raises(CommandError, match="already in this database"):
        call_command("seed_demo", "--scale", "national", stdout=io.StringIO())


def test_the_command_prints_the_counts_and_refuses_outside_demo_mode(settings):
    out = io.StringIO()
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="PORTAL_DEMO_MODE"):
        call_command("seed_demo", "--scale", "national", "--size", "0.005", stdout=out)
    assert not Organisation.objects.exists()
    settings.DEMO_MODE = True
    call_command("seed_demo", "--scale", "national", "--size", "0.005", stdout=out)
    output = out.getvalue()
    assert "coordinator@example.org" in output  # the demo users come first, as without --scale
    for line in ("organisations", "funding records", "calls", "applications", "reviews", "decisions", "centres",
                 "agreements", "Finished in"):  # fmt: skip
        assert line in output


def test_an_organisation_offers_each_family_activity_once_through_all_its_centres(national):
    repeated = FamilyCentreActivity.objects.values("organisation", "name_fi").annotate(rows=Count("pk"))
    assert not repeated.filter(rows__gt=1).exists()
    assert not FamilyCentreActivity.objects.filter(centres__isnull=True).exists()  # every one offered somewhere
    swedish = FamilyCentreActivity.objects.filter(serves_sv=True)
    assert swedish.exists() and not swedish.filter(name_sv="").exists()
