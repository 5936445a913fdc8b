"""Factories for the tests, with constructors named after the state they build."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.utils import timezone

from familycentre.models import CooperationAgreement, FamilyCentre, FamilyCentreActivity, NetworkMember
from grants.models import (
    Application,
    ApplicationAttachment,
    BudgetLine,
    Decision,
    GrantCall,
    GrantType,
    Payment,
    ScoringCriterion,
    UseOfFundsReport,
    default_report_due,
)
from organisations.demo import DEMO_PDF as PDF_BYTES
from organisations.demo import business_id
from organisations.models import Invitation, Membership, Organisation, OrganisationDocument
from portal.models import AreaRole, Municipality, User, WelfareArea

PASSWORD = "correct-horse-battery-2026"
# Grounds of a decision, long enough to be grounds.
GROUNDS = "Toiminta vastaa haun tavoitteita ja talousarvio on uskottava."


def area(code: str) -> WelfareArea:
    return WelfareArea.objects.get(code=code)


def enable_totp(user: User) -> str:
    """Give the user an authenticator app, as if they had set it up (replacing one they had), and
    return its secret, so that a test can type its codes."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary email who can log in with ``PASSWORD``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fi_FI")
    preferred_language = "fi"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.save()
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @classmethod
    def operator(cls, totp: bool = True, **kwargs: Any) -> User:
        """An operator; like every operator at work, with two-factor authentication unless ``totp=False``."""
        user = cls(is_staff=True, is_superuser=True, **kwargs)
        if totp:
            enable_totp(user)
        return user


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_fi = factory.Sequence(lambda n: f"Testiyhdistys {n} ry")
    # Always of the valid form 123.456, however many organisations a test process makes (the
    # sequence repeats itself only after 9,000).
    register_number = factory.Sequence(lambda n: f"{100 + n % 900}.{n % 1000:03d}")
    kind = Organisation.Kind.LOCAL
    home_municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="853"))
    # A working association: its coordinator has checked it, and it receives decisions in the portal.
    verified_at = factory.LazyFunction(timezone.now)
    electronic_service_consent_at = factory.LazyFunction(timezone.now)

    @classmethod
    def served_by_post(cls, **kwargs: Any) -> Organisation:
        """Has not consented to electronic service: its decisions are sent as letters."""
        return cls(electronic_service_consent_at=None, **kwargs)

    @classmethod
    def unverified(cls, **kwargs: Any) -> Organisation:
        """Registered, and not yet checked by a coordinator."""
        return cls(verified_at=None, **kwargs)

    @classmethod
    def unclaimed(cls, **kwargs: Any) -> Organisation:
        """As created from imported funding history: identifiers and a name, no members."""
        kwargs.setdefault("verified_at", None)
        return cls(
            business_id=business_id(7_000_000 + 2 * Organisation.objects.count()),
            origin=Organisation.Origin.IMPORTED,
            **kwargs,
        )

    @classmethod
    def in_area(cls, code: str, **kwargs: Any) -> Organisation:
        municipality = Municipality.objects.filter(area__code=code).order_by("code").first()
        return cls(home_municipality=municipality, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER

    @classmethod
    def admin(cls, **kwargs: Any) -> Membership:
        return cls(role=Membership.Role.ADMIN, **kwargs)


class AreaRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaRole
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    area = factory.LazyFunction(lambda: WelfareArea.objects.get(code="05"))
    role = AreaRole.Role.COORDINATOR
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        """Coordinators and decision-makers at work have two-factor authentication (their roles
        demand it); ``totp=False`` builds one who has not set it up yet."""
        wanted = (
            extracted
            if extracted is not None
            else self.role in (AreaRole.Role.COORDINATOR, AreaRole.Role.DECISION_MAKER)
        )
        if (
            create
            and wanted
            and not Authenticator.objects.filter(user=self.user, type=Authenticator.Type.TOTP).exists()
        ):
            enable_totp(self.user)

    @classmethod
    def coordinator(cls, **kwargs: Any) -> AreaRole:
        return cls(role=AreaRole.Role.COORDINATOR, **kwargs)

    @classmethod
    def reviewer(cls, **kwargs: Any) -> AreaRole:
        return cls(role=AreaRole.Role.REVIEWER, **kwargs)

    @classmethod
    def decision_maker(cls, **kwargs: Any) -> AreaRole:
        return cls(role=AreaRole.Role.DECISION_MAKER, **kwargs)

    @classmethod
    def councillor(cls, **kwargs: Any) -> AreaRole:
        return cls(role=AreaRole.Role.COUNCILLOR, **kwargs)

    @classmethod
    def expired(cls, **kwargs: Any) -> AreaRole:
        today = timezone.localdate()
        return cls(
            valid_from=today - datetime.timedelta(days=400), valid_to=today - datetime.timedelta(days=1), **kwargs
        )

    @classmethod
    def future(cls, **kwargs: Any) -> AreaRole:
        return cls(valid_from=timezone.localdate() + datetime.timedelta(days=10), **kwargs)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationDocument

    organisation = factory.SubFactory(OrganisationFactory)
    kind = OrganisationDocument.Kind.ANNUAL_REPORT
    year = 2025
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="report.pdf"))
    original_name = "vuosikertomus-2025.pdf"
    size = len(PDF_BYTES)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Membership.Role.MEMBER

    @classmethod
    def expired(cls, **kwargs: Any) -> Invitation:
        return cls(expires_at=timezone.now() - datetime.timedelta(minutes=1), **kwargs)


def _now() -> datetime.datetime:
    return timezone.now()


class GrantCallFactory(factory.django.DjangoModelFactory):
    """A published call of area 05, open now, with two scoring criteria."""

    class Meta:
        model = GrantCall
        skip_postgeneration_save = True

    area = factory.LazyFunction(lambda: WelfareArea.objects.get(code="05"))
    title_fi = factory.Sequence(lambda n: f"Yleisavustukset {n}")
    description_fi = "Avustusta sosiaali- ja terveysjärjestöille."
    grant_type = GrantType.GENERAL
    funding_year = 2027
    budget = Decimal("100000")
    max_amount = Decimal("30000")
    opens_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: _now() + datetime.timedelta(days=10))
    required_attachments = factory.LazyFunction(lambda: ["budget"])
    published_at = factory.LazyFunction(lambda: _now() - datetime.timedelta(days=11))

    @factory.post_generation
    def criteria(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            ScoringCriterion.objects.create(call=self, name_fi="Vaikuttavuus", weight=3)
            ScoringCriterion.objects.create(call=self, name_fi="Talous", weight=1)

    @classmethod
    def closed(cls, **kwargs: Any) -> GrantCall:
        return cls(
            opens_at=_now() - datetime.timedelta(days=40), closes_at=_now() - datetime.timedelta(minutes=1), **kwargs
        )

    @classmethod
    def unpublished(cls, **kwargs: Any) -> GrantCall:
        return cls(published_at=None, **kwargs)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft (it may be submitted) to an open call, by an organisation of area 05."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(GrantCallFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = "Vertaistukiryhmät"
    summary = "Ryhmiä ja neuvontaa."
    planned_activities = "Viikoittaiset ryhmät."
    requested_amount = Decimal("20000")

    @factory.post_generation
    def complete(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            BudgetLine.objects.create(application=self, kind="expense", category="activities", amount=Decimal("20000"))
            ApplicationAttachment.objects.create(
                application=self,
                kind="budget",
                file=ContentFile(PDF_BYTES, name="budjetti.pdf"),
                original_name="budjetti.pdf",
                size=len(PDF_BYTES),
            )

    @classmethod
    def in_state(cls, status: str, **kwargs: Any) -> Application:
        """An application in ``status`` with what that state implies (decision, payment, report)."""
        application = cls(status=status, submitted_at=None if status == "draft" else _now(), **kwargs)
        if status in ("decided", "paid", "report_submitted", "report_returned", "closed"):
            decision = Decision.objects.create(
                application=application,
                outcome="approved",
                amount=Decimal("20000"),
                rationale=GROUNDS,
                report_due_on=default_report_due(application.call.funding_year),
            )
            if status != "decided":
                Payment.objects.create(decision=decision, amount=Decimal("20000"), paid_on=timezone.localdate())
            if status not in ("decided", "paid"):
                UseOfFundsReport.objects.create(
                    application=application, amount_used=Decimal("20000"), narrative="Tehtiin.", results="Hyvin."
                )
        return application

    @classmethod
    def submitted(cls, **kwargs: Any) -> Application:
        return cls.in_state("submitted", **kwargs)

    @classmethod
    def in_review(cls, **kwargs: Any) -> Application:
        return cls.in_state("in_review", **kwargs)


class FamilyCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyCentre

    area = factory.LazyFunction(lambda: WelfareArea.objects.get(code="05"))
    name_fi = factory.Sequence(lambda n: f"Perhekeskus {n}")

    @classmethod
    def with_ngo(cls, organisation: Organisation, **kwargs: Any) -> FamilyCentre:
        centre = cls(**kwargs)
        NetworkMember.objects.create(
            centre=centre, member_type="ngo", organisation=organisation, representative_name="Edustaja",
            joined_on=timezone.localdate() - datetime.timedelta(days=10),
        )  # fmt: skip
        return centre


class AgreementFactory(factory.django.DjangoModelFactory):
    """A draft agreement between an area-05 family centre and an organisation in its network."""

    class Meta:
        model = CooperationAgreement

    organisation = factory.SubFactory(
        OrganisationFactory, business_id=factory.Sequence(lambda n: business_id(3_000_000 + 2 * n))
    )
    centre = factory.LazyAttribute(lambda agreement: FamilyCentreFactory.with_ngo(agreement.organisation))
    scope = "Perhekahvila ja vertaisryhmät."
    responsibilities = "Järjestö ohjaa ryhmät."
    area_contact = "Sanna Virtanen"
    organisation_contact = "Aino Järvinen"
    area_privacy_contact = "tietosuoja@example.org"
    organisation_privacy_contact = "tietosuoja@jarjesto.example.org"
    valid_from = datetime.date(2027, 1, 1)
    valid_to = datetime.date(2027, 12, 31)

    @classmethod
    def active_until(cls, valid_to: datetime.date, **kwargs: Any) -> CooperationAgreement:
        return cls(status="active", valid_from=valid_to - datetime.timedelta(days=365), valid_to=valid_to, **kwargs)


class FamilyCentreActivityFactory(factory.django.DjangoModelFactory):
    """An activity in Finnish; ``centres=[...]`` names the centres that offer it."""

    class Meta:
        model = FamilyCentreActivity
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name_fi = "Kahvila"
    description_fi = "Avoin kahvila vauvaperheille."
    target_group = FamilyCentreActivity.TargetGroup.BABIES
    time_and_place_fi = "Ti 10–12"
    contact = "kahvila@example.org"

    @factory.post_generation
    def centres(self, create: bool, extracted: list[FamilyCentre] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.centres.set(extracted)
