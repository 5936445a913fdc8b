"""Pages of the shared core. Thin: questions of access go to ``portal.access``."""

from __future__ import annotations

import sys

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from portal import areas, health, personal_data, statements
from portal.forms import AccessibilityFeedbackForm, DeleteAccountForm, ProfileForm
from portal.http import AuthenticatedHttpRequest
from portal.models import AreaRole, ControllerDetails, WelfareArea
from portal.storage import StorageUnavailable


def area_list(request: HttpRequest) -> HttpResponse:
    areas = WelfareArea.objects.annotate(municipality_count=Count("municipalities"))
    return render(request, "portal/area_list.html", {"areas": areas})


def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)
    coordinators = AreaRole.objects.in_area(area).active().with_role(AreaRole.Role.COORDINATOR).select_related("user")
    return render(
        request,
        "portal/area_detail.html",
        {"area": area, "municipalities": area.municipalities.all(), "coordinators": coordinators},
    )


TOO_MANY_FEEDBACK = gettext_lazy(
    "You have sent several messages in a short time. Try again in an hour, or write to the supervising authority."
)
FEEDBACK_SENT = gettext_lazy(
    "Thank you. Your feedback was sent to the portal's operators. They answer it by %(date)s at the latest."
)


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, with its feedback form to the operators."""
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="accessibility_feedback"):
            form.add_error(None, TOO_MANY_FEEDBACK)
        else:
            form.instance.language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
            feedback = statements.record_feedback(form.instance)
            answer_by = formats.date_format(timezone.localtime(feedback.answer_by), "SHORT_DATE_FORMAT")
            messages.success(request, FEEDBACK_SENT % {"date": answer_by})
            return redirect("portal:accessibility")
    context = {
        "form": form,
        "last_assessed": statements.LAST_ASSESSED,
        "prepared": statements.STATEMENT_PREPARED,
    }
    return render(request, "portal/accessibility.html", context)


def privacy_notice(request: HttpRequest) -> HttpResponse:
    context = {"controller": ControllerDetails.current(), "holdings": statements.holdings()}
    return render(request, "portal/privacy.html", context)


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.preferred_language)
        messages.success(request, _("Your details were saved."))
        response = redirect("portal:profile")
        remember_language(response, user.preferred_language)
        return response
    return render(request, "portal/profile.html", {"form": form})


@login_required
def my_data(request: AuthenticatedHttpRequest) -> JsonResponse:
    response = JsonResponse(personal_data.export(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-data-jarjestoportaali.json"'
    return response


@login_required
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data.delete_account(request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted."))
            return redirect("home")
    blocking = personal_data.obligations_before_leaving(request.user)
    return render(request, "portal/delete_account.html", {"form": form, "blocking": blocking})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the user's account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


def remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health.run_checks()
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


# Seconds after which a browser or a proxy may try again when a service is down.
RETRY_AFTER_SECONDS = 10


def server_error(request: HttpRequest) -> HttpResponse:
    """The error page (``handler500``). An outage of the database or of the file store is a 503
    saying so, in the page's language; anything else is the ordinary 500 page. Rendered without
    the request's context processors, which would ask the database again."""
    # Django calls the handler while it handles the exception, so the exception is at hand.
    error = sys.exception()
    if isinstance(error, StorageUnavailable):
        message = _("The file store is unavailable, try again in a moment.")
    elif isinstance(error, OperationalError | InterfaceError):  # unreachable, not a wrong query
        message = _("The portal cannot reach its database. Nothing you saved earlier was lost. Try again in a moment.")
    else:
        return HttpResponseServerError(loader.get_template("500.html").render())
    response = HttpResponse(loader.get_template("503.html").render({"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
