"""The shape every workflow of the portal has. An app writes its steps as data in its own
``workflow.py``: a table of ``Transition`` (from which statuses, to which, by which actors, an
enum of the app), and answers whether a step may be taken with ``check``. A step that may not be
taken raises ``Refusal``, a ValidationError, which a view shows with ``show_refusal``. Saving the
step and telling people of it is the app's services' work."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

StatusT = TypeVar("StatusT", bound=str)
ActorT = TypeVar("ActorT", bound=StrEnum)
TransitionT = TypeVar("TransitionT", bound="Transition")


class Refusal(ValidationError):
    """A step that may not be taken now, with the reason in words the user can read."""


@dataclass(frozen=True)
class Transition(Generic[StatusT, ActorT]):
    name: str
    sources: frozenset[StatusT]
    target: StatusT
    actors: frozenset[ActorT]
    label: StrOrPromise

    def open_to(self, status: str, actors: Collection[ActorT]) -> bool:
        return status in self.sources and not self.actors.isdisjoint(actors)


class HasStatus(Protocol):
    status: str

    def get_status_display(self) -> str: ...


def check(
    transitions: Mapping[str, TransitionT],
    name: str,
    subject: HasStatus,
    actors: Collection[StrEnum],
    wrong_state: StrOrPromise,
) -> TransitionT | None:
    """The step to take, or None when it has been taken already (a double click is harmless).

    ``wrong_state`` names the subject in the app's words, with a ``%(status)s`` placeholder."""
    transition = transitions.get(name)
    if transition is None:
        raise Refusal(_("Unknown step."), code="unknown")
    if subject.status == transition.target and subject.status not in transition.sources:
        return None
    if subject.status not in transition.sources:
        raise Refusal(wrong_state, code="wrong_state", params={"status": subject.get_status_display()})
    if transition.actors.isdisjoint(actors):
        raise Refusal(_("You may not take this step."), code="not_allowed")
    return transition


def show_refusal(request: HttpRequest, error: ValidationError) -> None:
    """Tell the user every reason a refusal (or any ValidationError of a service) gives, not just the first."""
    for message in error.messages:
        messages.error(request, message)
