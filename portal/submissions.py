"""Every form that creates something is handled once, however often it is sent.

A page with such a form carries a one-time token (``OncePerSubmissionForm``), and its view is
decorated with ``once_per_submission``: the token is recorded first, and the view runs in the same
transaction. A second request with the same token (a double click, ten at once, a request sent
again after the back button) waits for the first to finish, finds the token taken, runs nothing
and lands where the first one did. A refused attempt (the form shown again with its errors, or
an error message) rolls back with its token, so correcting the form and sending it again works.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Submission

KEEP_FOR = datetime.timedelta(days=7)  # longer than any tab is left open and sent again
TOKEN = re.compile(r"^[0-9a-f]{32}$")

View = Callable[..., HttpResponse]


class OncePerSubmissionForm(forms.Form):
    """A form with the hidden one-time token; put it first among the bases of a model form too."""

    submission = forms.CharField(
        widget=forms.HiddenInput,
        validators=[RegexValidator(TOKEN)],
        error_messages={"required": _("The form has expired. Reload the page and send it again.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4().hex


def once_per_submission(view: View) -> View:
    """Run a POST with a token once: record the token and do the view's work in one transaction."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.POST.get("submission", "") if request.method == "POST" else ""
        if not TOKEN.match(token) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)  # a GET, or a form without its token: it says so
        with transaction.atomic():
            try:
                with transaction.atomic():
                    submission = Submission.objects.create(token=token, user=request.user)
            except IntegrityError:  # handled already: the first request committed before this one got here
                return _repeat(request, token)
            response = view(request, *args, **kwargs)
            if _succeeded(request, response):
                submission.result = response["Location"][:500]
                submission.save(update_fields=["result"])
            else:
                transaction.set_rollback(True)
        return response

    return wrapper


def _succeeded(request: HttpRequest, response: HttpResponse) -> bool:
    """Done and sent on. A refusal shows the form again with its errors, or sends the person back
    with an error message; either rolls back, the token included."""
    if response.status_code not in (301, 302, 303) or not response.has_header("Location"):
        return False
    pending = messages.get_messages(request)
    refused = any(message.level >= messages.ERROR for message in pending)
    pending.used = False  # type: ignore[union-attr]  # the middleware's storage: a list only without it
    return not refused


def _repeat(request: HttpRequest, token: str) -> HttpResponse:
    first = Submission.objects.filter(token=token).values_list("result", flat=True).first()
    messages.info(request, _("This was already sent and saved; nothing was saved twice."))
    return redirect(first or "workspace:home")


def forget_old(now: datetime.datetime | None = None) -> int:
    """Remove tokens older than any page still open could carry; returns how many."""
    deleted, _by_model = Submission.objects.filter(created_at__lt=(now or timezone.now()) - KEEP_FOR).delete()
    return deleted
