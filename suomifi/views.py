from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.saml.utils import build_auth
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.http import AuthenticatedHttpRequest
from suomifi import mandates, services
from suomifi.adapter import enabled, suomifi_app
from suomifi.models import MandateCheck, MandateMembership
from suomifi.saml import LOGOUT_SESSION_KEY

# Set when the person is sent to log in with Suomi.fi to open a mandate session: coming back
# without one means the service failed, and the person is told so instead of being sent again.
TRIED_KEY = "suomifi_mandates_tried"  # carried over the login: suomifi.saml.CARRIED_SESSION_KEYS


def _require_mandates() -> None:
    if not enabled() or not mandates.configured():
        raise Http404


@login_required
@require_GET
def mandate_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_mandates()
    context = {
        "checks": MandateCheck.objects.filter(user=request.user)[:50],
        "memberships": MandateMembership.objects.filter(membership__user=request.user).select_related(
            "membership__organisation", "answer"
        ),
    }
    return render(request, "suomifi/mandates.html", context)


@login_required
@require_GET
def choose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """To the mandate service's own pages to choose the organisation; through a Suomi.fi login
    first when this session has no mandate session (the service is asked with the identity code
    that only a Suomi.fi login carries)."""
    _require_mandates()
    session = mandates.live_session(request)
    if session is not None:
        request.session.pop(TRIED_KEY, None)
        callback = request.build_absolute_uri(reverse("suomifi:mandate_callback"))
        return redirect(mandates.authorize_url(request, session, callback))
    if request.session.pop(TRIED_KEY, False):
        messages.error(request, _("Suomi.fi Mandates did not answer. Try again later."))
        return redirect("suomifi:mandates")
    request.session[TRIED_KEY] = True
    app = suomifi_app()
    assert app is not None  # _require_mandates
    connected = SocialAccount.objects.filter(user=request.user, provider=app.provider).exists()
    provider = app.get_provider(request)
    return redirect(
        provider.get_login_url(request, process="login" if connected else "connect", next=reverse("suomifi:choose"))
    )


@login_required
@require_GET
def mandate_callback(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_mandates()
    session = mandates.live_session(request)
    code = request.GET.get("code", "")
    if session is None or not code or not mandates.state_matches(request, request.GET.get("state", "")):
        messages.error(request, _("The choice made in Suomi.fi Mandates could not be used. Choose again."))
        return redirect("suomifi:mandates")
    callback = request.build_absolute_uri(reverse("suomifi:mandate_callback"))
    try:
        token = mandates.exchange_code(code, callback)
        answer = mandates.organisation_roles(session, token)
    except mandates.MandateServiceError:
        messages.error(request, _("Suomi.fi Mandates did not answer. Try again later."))
        return redirect("suomifi:mandates")
    for outcome in services.record_answer(request.user, answer):
        name = outcome.organisation.name_fi if outcome.organisation else outcome.check.organisation_name
        if outcome.membership_by_mandate:
            messages.success(request, _("You may now act for %(name)s by your mandate.") % {"name": name})
        elif not outcome.check.allowed:
            messages.warning(request, _("Your mandate does not let you act for %(name)s here.") % {"name": name})
        elif outcome.organisation is None:
            messages.warning(request, _("%(name)s is not registered in the portal.") % {"name": name})
    return redirect("suomifi:mandates")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Logging out of a Suomi.fi login: the portal's session ends first, then the browser goes to
    Suomi.fi with a signed logout request, and Suomi.fi answers at the SAML logout address."""
    logout_data = request.session.get(LOGOUT_SESSION_KEY)
    app = suomifi_app()
    get_account_adapter(request).logout(request)
    if not logout_data or app is None:
        return redirect("home")
    auth = build_auth(request, app.get_provider(request))
    url = auth.logout(
        return_to=request.build_absolute_uri(reverse("home")),
        name_id=logout_data["name_id"],
        session_index=logout_data["session_index"],
        nq=logout_data["name_id_nq"],
        name_id_format=logout_data["name_id_format"],
        spnq=logout_data["name_id_spnq"],
    )
    return redirect(url)
