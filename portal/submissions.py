"""Every form that creates something is handled once, however often it is sent.

A page with such a form carries a one-time token (``OncePerSubmissionForm``). The view does its
work through ``redirect_once``, which records the token in the same transaction as the rows the
work creates. A second request with the same token (a double click, ten at once, a request sent
again after the back button) waits for the first to commit, finds the token taken, creates
nothing and lands where the first one did. A refused attempt rolls back with its token, so
correcting the form and sending it again works.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Submission

KEEP_FOR = datetime.timedelta(days=7)  # longer than any tab is left open and sent again
TOKEN = re.compile(r"^[0-9a-f]{32}$")
ALREADY_SAVED = _("This was already sent and saved; nothing was saved twice.")


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


def redirect_once(request: HttpRequest, token: str, work: Callable[[], str]) -> HttpResponseRedirect:
    """Do ``work`` (which returns the address to go to next) once for this token, and go there.

    Exceptions of ``work`` (a refusal) roll everything back, the token included, and propagate.
    """
    try:
        with transaction.atomic():
            with transaction.atomic():
                submission = Submission.objects.create(token=token, user=request.user)
            submission.result = work()
            submission.save(update_fields=["result"])
    except IntegrityError:
        first = Submission.objects.filter(token=token).values_list("result", flat=True).first()
        if first is None:  # not a repeat: the work itself broke a rule of the database
            raise
        messages.info(request, ALREADY_SAVED)
        return redirect(first)
    return redirect(submission.result)


class RepeatedSubmissionMiddleware:
    """A form sent again after its first sending was saved (a double click that arrives late, the
    back button and send) is answered at once with where the first one led, before the view
    validates it against a state the first one changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        token = request.POST.get("submission", "")
        if not TOKEN.match(token):
            return None
        first = Submission.objects.filter(token=token, user=request.user).values_list("result", flat=True).first()
        if not first:
            return None
        messages.info(request, ALREADY_SAVED)
        return redirect(first)


def forget_old(now: datetime.datetime | None = None) -> int:
    """Remove tokens older than any page still open could carry; returns how many."""
    deleted, _by_model = Submission.objects.filter(created_at__lt=(now or timezone.now()) - KEEP_FOR).delete()
    return deleted
