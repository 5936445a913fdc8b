"""Pages about organisations. Thin: access questions go to ``portal.access``, rules to ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import permissions, services
from organisations.filters import CoordinatorOrganisationFilter, OrganisationFilter
from organisations.forms import (
    ClosureRequestForm,
    DocumentForm,
    InvitationForm,
    JoinRequestForm,
    NoteForm,
    OrganisationForm,
    RegisterLookupForm,
    RoleForm,
)
from organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationDocument,
    RegisterExtract,
    RegisterFinding,
)
from organisations.register import RegisterError
from portal import access, accounts, areas, fragments, submissions, uploads
from portal.http import AuthenticatedHttpRequest
from portal.workflow import show_refusal

PAGE_SIZE = 25
# The directory's filters that choose from fixed lists, and the page: the results they select are
# kept (a free-text search is not).
DIRECTORY_CHOICES = ("area", "municipality", "theme", "activity_type", "language", "kind", "page")


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def directory(request: HttpRequest) -> HttpResponse:
    def body() -> str:
        filters = OrganisationFilter(request.GET or None, queryset=Organisation.objects.not_closed().for_listing())
        context = {"filter": filters, "page": paginate(request, filters.qs), "request": request}
        return render_to_string("organisations/includes/directory_body.html", context)

    # The filters and results are the same for everyone (a GET form has no CSRF token): kept until
    # an organisation or a reference list changes.
    results = fragments.cached(
        "directory", request.GET, ["organisations", "reference"], body, vary_on=DIRECTORY_CHOICES
    )
    return render(request, "organisations/directory.html", {"results": results})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("home_municipality", "parent", "verified_by"), pk=pk
    )
    user = request.user

    def public_lists() -> str:
        lists = {
            "organisation": organisation,
            "branches": organisation.branches.select_related("home_municipality"),
            "municipalities": organisation.municipalities.all(),
        }
        return render_to_string("organisations/includes/public_lists.html", lists)

    context = {
        "organisation": organisation,
        # Its themes, municipalities and branches are the same for everyone: kept until an
        # organisation or a reference list changes.
        "public_lists": fragments.cached(
            f"organisation:{organisation.pk}", QueryDict(), ["organisations", "reference"], public_lists
        ),
        "is_member": permissions.is_member(user, organisation),
        "can_edit": permissions.can_edit_organisation(user, organisation),
        "can_edit_activity": permissions.can_edit_activity(user, organisation),
        "show_private": permissions.can_see_private_details(user, organisation),
        "can_verify": permissions.can_verify(user, organisation),
        "can_join": user.is_authenticated and not permissions.is_member(user, organisation),
    }
    if context["can_verify"]:
        areas = permissions.coordinated_areas_of(user, organisation)
        context["notes"] = permissions.visible_notes(user, organisation)
        context["note_form"] = NoteForm(areas=areas)
        context["claims"] = (
            JoinRequest.objects.pending()
            .filter(organisation=organisation, kind=JoinRequest.Kind.CLAIM)
            .select_related("user")
        )
        context |= _register_context(organisation)
    return render(request, "organisations/detail.html", context)


def _register_context(organisation: Organisation) -> dict[str, Any]:
    """The coordinator's view of the register: the last check, and where it differs from the portal."""
    extract = RegisterExtract.objects.filter(organisation=organisation).first()
    company = services.register_company(extract)
    return {
        "register_extract": extract,
        "register_company": company,
        "register_domicile": services.domicile_of(company) if company else None,
        "register_differences": services.register_differences(organisation, company) if company else [],
        "register_findings": organisation.register_findings.open(),
    }


@login_required
@submissions.once_per_submission
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    lookup_form, lookup = _look_up_in_register(request) if request.method == "GET" else (RegisterLookupForm(), None)
    form = OrganisationForm(request.POST or None, initial=lookup.prefill() if lookup else None)
    if request.method == "POST" and form.is_valid():
        try:
            existing = services.find_registered(form.cleaned_data["business_id"], form.cleaned_data["register_number"])
        except ValidationError as error:
            form.add_error("business_id", error)
            return render(request, "organisations/form.html", _registration(form), status=400)
        if existing is not None and not services.can_be_claimed(existing):
            if permissions.is_member(request.user, existing):
                return redirect("organisations:detail", pk=existing.pk)
            # Someone runs it already, or its history is worth taking over: a person decides.
            messages.info(request, _("%(name)s is already in the portal.") % {"name": existing.name})
            return redirect("organisations:join", pk=existing.pk)
        try:
            organisation, claimed = services.register(form.instance, request.user, form.save_relations)
        except (ValidationError, IntegrityError) as error:
            # Someone registered or claimed the same organisation a moment ago.
            problems = error.messages if isinstance(error, ValidationError) else [_("Please try again.")]
            form.add_error("business_id", problems)
            return render(request, "organisations/form.html", _registration(form), status=400)
        services.set_electronic_service_consent(organisation, request.user, form.cleaned_data["electronic_service"])
        if claimed:
            messages.success(
                request, _("The organisation was already known from funding records; it is now yours to keep.")
            )
        else:
            messages.success(request, _("The organisation was registered. You are its administrator."))
        return redirect("organisations:detail", pk=organisation.pk)
    context = {"form": form, "organisation": None, "lookup_form": lookup_form, "lookup": lookup}
    # A Business ID that is not one is the person's to correct; a register that fails is not.
    invalid = lookup is None and bool(lookup_form.errors)
    return render(request, "organisations/form.html", context, status=400 if invalid else 200)


def _registration(form: OrganisationForm) -> dict[str, Any]:
    return {"form": form, "organisation": None, "lookup_form": RegisterLookupForm()}


def _look_up_in_register(request: AuthenticatedHttpRequest) -> tuple[RegisterLookupForm, services.Lookup | None]:
    """``?lookup-business_id=…``: what the register has, to fill in the registration form and show
    beside it. A Business ID it cannot look up, or a register that does not answer, is said at the
    field; the form is there to fill in by hand all the same."""
    if RegisterLookupForm.prefix + "-business_id" not in request.GET:
        return RegisterLookupForm(), None
    form = RegisterLookupForm(request.GET)
    if not form.is_valid():
        return form, None
    if not services.may_look_up(request.user):
        form.add_error("business_id", services.TOO_MANY_LOOKUPS)
        return form, None
    lookup = services.look_up(form.cleaned_data["business_id"])
    if lookup.problem is not None:
        form.add_error("business_id", lookup.problem)
    return form, lookup


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.can_edit_activity(request.user, organisation))
    # A member edits what the organisation does; only its administrators what it is.
    whole = permissions.can_edit_organisation(request.user, organisation)
    form = OrganisationForm(request.POST or None, instance=organisation, whole_profile=whole)
    if request.method == "POST" and form.is_valid():
        services.update(form.instance, form.save_relations)
        if "electronic_service" in form.fields:
            services.set_electronic_service_consent(organisation, request.user, form.cleaned_data["electronic_service"])
        messages.success(request, _("The changes were saved."))
        return redirect("organisations:detail", pk=organisation.pk)
    context = {"form": form, "organisation": organisation, "whole_profile": whole}
    if not whole:
        context["admins"] = Membership.objects.admins().filter(organisation=organisation).select_related("user")
    return render(request, "organisations/form.html", context)


@login_required
def join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if permissions.is_member(request.user, organisation):
        return redirect("organisations:detail", pk=pk)
    if services.can_be_claimed(organisation):
        messages.info(request, _("Nobody manages this organisation in the portal yet: register it to claim it."))
        return redirect("organisations:register")
    has_admins = organisation.memberships.filter(role=Membership.Role.ADMIN).exists()
    pending = JoinRequest.objects.pending().filter(organisation=organisation, user=request.user).first()
    if request.method == "POST" and pending is not None:  # asked already (a double click): nothing more
        return redirect("organisations:join", pk=pk)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(organisation, request.user, form.cleaned_data["message"])
        except ValidationError as error:
            show_refusal(request, error)
        else:
            if has_admins:
                messages.success(request, _("Your request was sent to the organisation's administrators."))
            else:
                messages.success(request, _("Your request was sent to the coordinators of the organisation's area."))
        return redirect("organisations:join", pk=pk)
    return render(
        request,
        "organisations/join.html",
        {"organisation": organisation, "form": form, "pending": pending, "has_admins": has_admins},
        status=400 if form.errors else 200,
    )


@login_required
def members(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.can_see_private_details(request.user, organisation))
    return _members_page(request, organisation, InvitationForm())


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    invite_form: InvitationForm,
    status: int = 200,
    closure_form: ClosureRequestForm | None = None,
) -> HttpResponse:
    can_manage = permissions.can_manage_members(request.user, organisation)
    context = {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("user"),
        "can_manage": can_manage,
        "form": invite_form,
        "closure_form": closure_form or ClosureRequestForm(),
        "role_choices": Membership.Role.choices,
    }
    if can_manage:
        context["join_requests"] = (
            JoinRequest.objects.pending()
            .filter(organisation=organisation, kind=JoinRequest.Kind.JOIN)
            .select_related("user")
        )
        context["invitations"] = Invitation.objects.usable().filter(organisation=organisation)
    return render(request, "organisations/members.html", context, status=status)


@login_required
@submissions.once_per_submission
@require_POST
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.can_manage_members(request.user, organisation))
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, form, status=400)
    site = request.build_absolute_uri("/").rstrip("/")
    try:
        services.invite(organisation, form.cleaned_data["email"], form.cleaned_data["role"], request.user, site)
    except ValidationError as error:
        form.add_error("email", error)
        return _members_page(request, organisation, form, status=400)
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    return redirect("organisations:members", pk=pk)


@login_required
@require_POST
def change_role(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=membership_pk, organisation=pk)
    access.require(permissions.can_manage_members(request.user, membership.organisation))
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(membership, form.cleaned_data["role"])
        except ValidationError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The role was changed."))
    else:
        messages.error(request, _("Choose a role."))
    return redirect("organisations:members", pk=pk)


@login_required
@require_POST
def remove_member(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation"), pk=membership_pk, organisation=pk)
    leaving = membership.user_id == request.user.pk
    access.require(leaving or permissions.can_manage_members(request.user, membership.organisation))
    try:
        services.remove_member(membership)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("organisations:members", pk=pk)
    if leaving:
        messages.success(request, _("You left the organisation."))
        return redirect("workspace:home")
    messages.success(request, _("The member was removed."))
    return redirect("organisations:members", pk=pk)


@login_required
@require_POST
def decide_join_request(request: AuthenticatedHttpRequest, pk: int, request_pk: int) -> HttpResponse:
    join_request = get_object_or_404(JoinRequest.objects.select_related("organisation"), pk=request_pk, organisation=pk)
    access.require(permissions.can_decide_join_request(request.user, join_request))
    accept = request.POST.get("decision") == "accept"
    services.decide_join_request(join_request, accept=accept, decider=request.user)
    messages.success(request, _("The request was accepted.") if accept else _("The request was declined."))
    if join_request.kind == JoinRequest.Kind.CLAIM:
        return redirect(reverse("organisations:detail", kwargs={"pk": pk}) + "#requests")
    return redirect("organisations:members", pk=pk)


@login_required
@require_POST
def request_closure(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.is_organisation_admin(request.user, organisation))
    if organisation.closure_requested_at is not None:  # asked already: a second click asks nothing more
        return redirect("organisations:members", pk=pk)
    form = ClosureRequestForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, InvitationForm(), status=400, closure_form=form)
    services.request_closure(organisation, request.user, form.cleaned_data["reason"])
    messages.success(request, _("Your request was sent to the coordinators of the organisation's area."))
    return redirect("organisations:members", pk=pk)


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.can_close(request.user, organisation))
    services.close(organisation, request.user)
    messages.success(request, _("The organisation is closed in the portal."))
    return redirect("organisations:detail", pk=pk)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation email. Someone without an account (or logged out) sees what the
    invitation is and how to go on; the link is kept through signing up, verifying the address and
    logging in, and opens again after the login."""
    found = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        if found.is_usable:
            accounts.resume_after_login(request, request.path)
        return render(request, "organisations/invitation.html", {"invitation": found})
    accounts.forget_resume(request, request.path)
    if request.method == "POST":
        try:
            services.accept_invitation(found, request.user)
        except ValidationError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Welcome to %(name)s.") % {"name": found.organisation.name})
            return redirect("organisations:detail", pk=found.organisation.pk)
    return render(
        request,
        "organisations/invitation.html",
        {"invitation": found, "addressed_to_user": services.is_addressed_to(found, request.user)},
    )


@login_required
@submissions.once_per_submission
def documents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.can_see_private_details(request.user, organisation))
    can_upload = permissions.can_manage_documents(request.user, organisation)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        access.require(can_upload)
        if form.is_valid():
            data = form.cleaned_data
            services.add_document(organisation, data["kind"], data["year"], data["file"], request.user)
            messages.success(request, _("The document was uploaded."))
            return redirect("organisations:documents", pk=pk)
    return render(
        request,
        "organisations/documents.html",
        {
            "organisation": organisation,
            "documents": organisation.documents.select_related("uploaded_by"),
            "form": form,
            "can_upload": can_upload,
        },
        status=400 if form.errors else 200,
    )


def _document(pk: int, document_pk: int) -> OrganisationDocument:
    return get_object_or_404(
        OrganisationDocument.objects.select_related("organisation"), pk=document_pk, organisation=pk
    )


@login_required
def download_document(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> FileResponse:
    document = _document(pk, document_pk)
    access.require(permissions.can_download_document(request.user, document))
    return uploads.download_response(document.file, document.original_name)


@login_required
@require_POST
def delete_document(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = _document(pk, document_pk)
    access.require(permissions.can_manage_documents(request.user, document.organisation))
    document.delete_with_file()
    messages.success(request, _("The document was deleted."))
    return redirect("organisations:documents", pk=pk)


@login_required
@require_POST
def verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.can_verify(request.user, organisation))
    services.verify(organisation, request.user)
    messages.success(request, _("The organisation is marked as verified."))
    return redirect("organisations:detail", pk=pk)


@login_required
@require_POST
def check_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.can_verify(request.user, organisation))
    section = reverse("organisations:detail", kwargs={"pk": pk}) + "#register"
    if not organisation.business_id:
        messages.error(request, _("The organisation has no Business ID to look up in the register."))
        return redirect(section)
    try:
        services.check_register(organisation, seen_by_coordinator=True)
    except RegisterError:
        messages.error(request, services.CHECK_FAILED)
    else:
        messages.success(request, _("The details in the register were checked."))
    return redirect(section)


@login_required
@require_POST
def handle_finding(request: AuthenticatedHttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    finding = get_object_or_404(RegisterFinding.objects.select_related("organisation"), pk=finding_pk, organisation=pk)
    access.require(permissions.can_verify(request.user, finding.organisation))
    services.handle_finding(finding, request.user)
    messages.success(request, _("The finding is marked as handled."))
    return redirect(reverse("organisations:detail", kwargs={"pk": pk}) + "#register")


@login_required
@submissions.once_per_submission
@require_POST
def add_note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(permissions.can_verify(request.user, organisation))
    form = NoteForm(request.POST, areas=permissions.coordinated_areas_of(request.user, organisation))
    notes = reverse("organisations:detail", kwargs={"pk": pk}) + "#notes"
    if not form.is_valid():
        messages.error(request, _("The note was not saved: write something first."))
        return redirect(notes)
    services.add_note(organisation, form.cleaned_data["area"], form.cleaned_data["text"], request.user)
    messages.success(request, _("The note was saved."))
    return redirect(notes)


@login_required
def area_organisations(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)
    access.require(access.has_area_role(request.user, area, access.Role.COORDINATOR))
    queryset = permissions.organisations_coordinated_by(request.user, area).for_listing()
    filters = CoordinatorOrganisationFilter(request.GET or None, queryset=queryset)
    return render(
        request,
        "organisations/area_organisations.html",
        {
            "area": area,
            "filter": filters,
            "page": paginate(request, filters.qs),
            "waiting": permissions.organisations_coordinated_by(request.user, area).waiting_for_coordinator(),
            "register_findings": permissions.register_findings_for(request.user, area),
        },
    )
