"""A person's own data: what every part of the portal holds about them, as a copy to download, and
what becomes of it when they delete their account.

Each app declares, in its own ``personal_data`` module (imported by its AppConfig), every field of
its models that refers to a person: what the export shows of it and what deletion does to it.
What the person did for an organisation or an area (an application sent, a review, a decision, a
signature) stays on record with the name removed; what is theirs alone (roles, memberships,
requests) goes with the account. ``tests/test_personal_data.py`` fails when a model refers to a
person without a declaration. The core imports no app: the apps come to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from portal.models import AreaRole, Submission, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class Declaration:
    """The fields of one model that refer to a person, and what becomes of them."""

    model: type[models.Model]
    fields: tuple[str, ...]
    section: str  # the key of the export that shows them
    export: Callable[[User], Rows]
    kept: bool  # True: the row stays with the name removed (SET_NULL); False: it goes with the account


# What must be done before an account can be deleted: (the thing, what to do first).
Obligation = Callable[[User], "list[tuple[Any, StrOrPromise]]"]

DECLARATIONS: list[Declaration] = []
OBLIGATIONS: list[Obligation] = []


def declare(model: type[models.Model], *fields: str, section: str, export: Callable[[User], Rows], kept: bool) -> None:
    DECLARATIONS.append(Declaration(model, fields, section, export, kept))


def obligation(check: Obligation) -> Obligation:
    OBLIGATIONS.append(check)
    return check


def export(user: User) -> dict[str, Any]:
    """Everything the portal holds about the user, as JSON-ready data."""
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        }
    }
    for declaration in DECLARATIONS:
        rows = declaration.export(user)
        if declaration.section in data:
            data[declaration.section] += rows
        else:
            data[declaration.section] = rows
    return data


def obligations_before_leaving(user: User) -> list[tuple[Any, StrOrPromise]]:
    return [found for check in OBLIGATIONS for found in check(user)]


@transaction.atomic
def delete_account(user: User) -> None:
    blocking = obligations_before_leaving(user)
    if blocking:
        raise ValidationError(
            _("First hand over or close %(names)s."),
            code="last_admin",
            params={"names": ", ".join(str(thing) for thing, _what in blocking)},
        )
    # The declarations' foreign keys do the rest: kept rows lose the name, the person's own go.
    user.delete()


def iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


# --- What the core itself holds ----------------------------------------------------------------------

declare(
    EmailAddress,
    "user",
    section="email_addresses",
    export=lambda user: list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
    kept=False,
)
declare(
    AreaRole,
    "user",
    section="area_roles",
    export=lambda user: [
        {
            "area": role.area.code if role.area else None,  # a national viewer has no area
            "role": role.role,
            "valid_from": str(role.valid_from),
            "valid_to": str(role.valid_to or ""),
        }
        for role in AreaRole.objects.filter(user=user).select_related("area")
    ],
    kept=False,
)
declare(
    Authenticator,
    "user",
    section="two_factor_authentication",
    export=lambda user: [
        {"type": kind, "created_at": iso(created)}
        for kind, created in Authenticator.objects.filter(user=user).values_list("type", "created_at")
    ],
    kept=False,
)
declare(
    # One-time tokens of sent forms: what was sent is in the rows they created.
    Submission,
    "user",
    section="forms_sent",
    export=lambda user: [{"count": Submission.objects.filter(user=user).count()}],
    kept=False,
)
declare(
    LogEntry,
    "user",
    section="administration_log",
    export=lambda user: [
        {"time": iso(entry.action_time), "object": entry.object_repr, "change": entry.get_change_message()}
        for entry in LogEntry.objects.filter(user=user)
    ],
    kept=False,
)
