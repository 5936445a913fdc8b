"""A mandate holds for one Suomi.fi login: the memberships it gave end when the person logs in or
out. What a Suomi.fi login leaves in the session outlives the fresh session allauth starts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from suomifi import services
from suomifi.saml import CARRIED_ATTRIBUTE


@receiver(user_logged_in, dispatch_uid="suomifi.end_mandates_at_login")
@receiver(user_logged_out, dispatch_uid="suomifi.end_mandates_at_logout")
def end_memberships_by_mandate(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and user.pk:
        services.end_memberships_by_mandate(user)


@receiver(user_logged_in, dispatch_uid="suomifi.carry_session_values")
def carry_session_values(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    carried = getattr(request, CARRIED_ATTRIBUTE, None) if request is not None else None
    if carried:
        request.session.update(carried)
