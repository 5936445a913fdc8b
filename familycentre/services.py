"""Rules of family centres: taking the agreement steps of ``familycentre.workflow``, the PDF,
reminders and activities."""

from __future__ import annotations

import datetime
from functools import partial
from typing import TYPE_CHECKING

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from familycentre import workflow
from familycentre.models import AgreementStatus, CooperationAgreement, FamilyCentre, NetworkMember
from organisations.models import Membership, Organisation
from portal import emails, jobs, uploads
from portal.models import AreaRole

if TYPE_CHECKING:
    from portal.models import User

REMINDER_DAYS = 60


@transaction.atomic
def take_step(agreement: CooperationAgreement, name: str, user: User) -> bool:
    """Take a step the workflow allows; False when it had already been taken (a double click).
    Raises portal.workflow.Refusal."""
    agreement = CooperationAgreement.objects.select_for_update().select_related("centre__area").get(pk=agreement.pk)
    transition = workflow.check(agreement, name, user)
    if transition is None:
        return False
    agreement.status = transition.target
    setattr(agreement, f"{transition.stamp}_by", user)
    setattr(agreement, f"{transition.stamp}_at", timezone.now())
    agreement.version = F("version") + 1
    agreement.save()
    agreement.refresh_from_db(fields=["version"])
    jobs.after_commit(lambda: render_later(agreement.pk))
    _notify(agreement, transition)
    return True


def render_later(agreement_id: int) -> None:
    from familycentre.tasks import render_agreement_pdf

    render_agreement_pdf.delay(agreement_id)


def _people(agreement: CooperationAgreement) -> set[User]:
    admins = Membership.objects.admins().filter(organisation=agreement.organisation).select_related("user")
    coordinators = AreaRole.objects.active().in_area(agreement.centre.area).with_role(AreaRole.Role.COORDINATOR)
    return {m.user for m in admins} | set(coordinators.people())


def _notify(
    agreement: CooperationAgreement, step: workflow.Transition | None, template: str = "familycentre/email/step"
) -> None:
    link = settings.PORTAL_BASE_URL + reverse("familycentre:agreement", kwargs={"pk": agreement.pk})
    for person in _people(agreement):
        emails.send_later(
            person.email,
            person.preferred_language,
            template,
            {"agreement": agreement, "step": step, "link": link, "recipient": person},
        )


# --- The PDF ------------------------------------------------------------------------------------


def render_pdf(agreement_id: int) -> bool:
    """Render the agreement as it stands now and store the PDF; nothing to do when it is current.

    The file is written under a new name first and switched to in one row update, so a reader
    never gets half a file, and a job that died midway and runs again does the work once.
    """
    from weasyprint import HTML

    agreement = CooperationAgreement.objects.select_related(
        "centre__area", "organisation", "sent_by", "signed_by", "countersigned_by", "ended_by"
    ).get(pk=agreement_id)
    if agreement.pdf_is_current:
        return False
    version = agreement.version
    try:
        with translation.override(agreement.language):
            html = render_to_string("familycentre/agreement_pdf.html", {"agreement": agreement})
        pdf = HTML(string=html).write_pdf()
        name = agreement.pdf.storage.save(
            uploads.random_name("familycentre/agreements", "agreement.pdf"), ContentFile(pdf)
        )
    except SoftTimeLimitExceeded:
        # The agreement page says so; opening the PDF link starts a new render.
        CooperationAgreement.objects.filter(pk=agreement_id).update(pdf_failed_at=timezone.now())
        return False
    with transaction.atomic():
        current = CooperationAgreement.objects.select_for_update().get(pk=agreement_id)
        if current.version != version or current.pdf_is_current:
            transaction.on_commit(lambda: current.pdf.storage.delete(name))  # a newer render wins
            return False
        old = current.pdf.name
        CooperationAgreement.objects.filter(pk=agreement_id).update(pdf=name, pdf_version=version, pdf_failed_at=None)
        if old:
            transaction.on_commit(lambda: current.pdf.storage.delete(old))
    return True


# --- Reminders and expiry -----------------------------------------------------------------------


def send_reminders(today: datetime.date | None = None) -> int:
    """One reminder per agreement ending within 60 days, however often this runs; returns how many."""
    sent = 0
    for agreement in CooperationAgreement.objects.ending_within(REMINDER_DAYS, today).filter(reminder_sent_at=None):
        with transaction.atomic():
            # Claim the reminder in one UPDATE: two runs at once cannot both win it.
            claimed = CooperationAgreement.objects.filter(pk=agreement.pk, reminder_sent_at=None).update(
                reminder_sent_at=timezone.now()
            )
            if claimed:
                _notify(agreement, None, "familycentre/email/reminder")
                sent += 1
    return sent


@transaction.atomic
def expire_ended(today: datetime.date | None = None) -> int:
    day = today or timezone.localdate()
    ended = list(
        CooperationAgreement.objects.select_for_update()
        .filter(status=AgreementStatus.ACTIVE, valid_to__lt=day)
        .values_list("pk", flat=True)
    )
    CooperationAgreement.objects.filter(pk__in=ended).update(
        status=AgreementStatus.EXPIRED, ended_at=timezone.now(), version=F("version") + 1
    )
    for agreement_id in ended:  # the PDF shows the new state
        transaction.on_commit(partial(render_later, agreement_id))
    return len(ended)


# --- Networks and activities --------------------------------------------------------------------


def network_organisations(centre: FamilyCentre) -> list[Organisation]:
    members = NetworkMember.objects.active().filter(centre=centre, member_type=NetworkMember.Type.NGO)
    # An NGO member always names its organisation (a check constraint says so).
    return [member.organisation for member in members.select_related("organisation") if member.organisation is not None]


def centres_of(organisation: Organisation) -> list[FamilyCentre]:
    """The family centres in whose network the organisation is an active member."""
    members = NetworkMember.objects.active().filter(organisation=organisation, member_type=NetworkMember.Type.NGO)
    return list(FamilyCentre.objects.filter(pk__in=members.values("centre")).order_by("name_fi"))
