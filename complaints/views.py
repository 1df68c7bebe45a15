"""Complaint pages: the child's own (phone-first), the managers' register and record, each stage's step."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.models import AccessPurpose, AuthenticatedHttpRequest, Role
from accounts.services import access_log_record
from complaints import clock
from complaints.forms import ChildComplaintForm, DayForm, OutcomeForm, RecordComplaintForm
from complaints.models import Complaint, ComplaintChannel, Kind, Outcome
from complaints.selectors import complaint_get_for_user, complaints_visible_to, overdue_q, waiting_on
from complaints.services import (
    ANSWER_OUTCOMES,
    complaint_acknowledge,
    complaint_escalate,
    complaint_make,
    complaint_withdraw,
    stage1_extend,
    stage1_respond,
    stage2_extend,
    stage2_request,
    stage2_respond,
    stage3_panel_held,
    stage3_request,
    stage3_respond,
)
from feedback.crisis import crisis_help_due
from reviews.selectors import child_of_user

# A read of a complaint's words is logged for what it was for.
LOG_PURPOSE = AccessPurpose.COMPLAINT


def _errors_to_form(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def escalation_deadline(complaint: Complaint):
    """The last day the complainant may ask for the next stage, while they may (None otherwise)."""
    if complaint.kind != Kind.COMPLAINT or complaint.is_open:
        return None
    if complaint.stage == 1 and complaint.stage1_responded_on and complaint.stage1_outcome != Outcome.WITHDRAWN:
        deadline = clock.stage2_request_deadline(complaint.stage1_responded_on)
    elif complaint.stage == 2 and complaint.stage2_responded_on and complaint.stage2_outcome != Outcome.WITHDRAWN:
        deadline = clock.stage3_request_deadline(complaint.stage2_responded_on)
    else:
        return None
    return deadline if deadline >= timezone.localdate() else None


@login_required
@require_http_methods(["GET", "POST"])
def my_complaints(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A child makes a complaint or tells us something, and sees each of theirs with its dates."""
    require_role(request, Role.CHILD)
    child = child_of_user(request.user)
    if child is None:
        raise Http404
    form = ChildComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_make(
                child=child,
                by=request.user,
                words=form.cleaned_data["words"],
                kind=form.cleaned_data["kind"],
                channel=ComplaintChannel.WEB,
                advocate_wanted=form.cleaned_data["advocate_wanted"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("We got it. We will tell you we have it within 2 working days."))
            return redirect("complaints:mine")
    complaints = [(complaint, escalation_deadline(complaint)) for complaint in complaints_visible_to(request.user)]
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "complaints": complaints,
        "today": timezone.localdate(),
        # Harm told in a complaint raises an alert: the crisis help stays here as on their home page.
        "show_crisis_help": crisis_help_due(child),
    }
    return render(request, "complaints/mine.html", context, status=status)


@login_required
@require_POST
def my_escalate(request: AuthenticatedHttpRequest, complaint_id: int) -> HttpResponse:
    """The child is not happy with the answer and asks for someone else to look at it (the next stage)."""
    require_role(request, Role.CHILD)
    complaint = complaint_get_for_user(request.user, complaint_id)
    try:
        complaint_escalate(complaint=complaint, by=request.user)
    except ValidationError:
        messages.error(request, _("You can't ask for that now. Ask your advocate or your IRO to help."))
    else:
        messages.success(request, _("We will look at it again. We will tell you by when."))
    return redirect("complaints:mine")


@login_required
@require_GET
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The complaints register: every complaint's dates and what is overdue (an IRO sees their caseload's)."""
    require_role(request, Role.MANAGER, Role.IRO)
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    if show not in ("open", "overdue", "all"):
        show = "open"
    complaints = complaints_visible_to(request.user)
    if show == "open":
        complaints = complaints.filter(closed_at__isnull=True)
    elif show == "overdue":
        complaints = complaints.filter(overdue_q(today))
    # The register shows dates and stages, never the words: no read to log.
    rows = [(complaint, waiting_on(complaint, today)) for complaint in complaints[:500]]
    overdue = complaints_visible_to(request.user).filter(overdue_q(today)).count()
    return render(request, "complaints/register.html", {"rows": rows, "show": show, "overdue": overdue, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A manager records a complaint made by a parent, carer or someone else without a Heard account."""
    require_role(request, Role.MANAGER)
    form = RecordComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint, _made = complaint_make(
                child=form.cleaned_data["child"],
                by=request.user,
                words=form.cleaned_data["words"],
                kind=form.cleaned_data["kind"],
                channel=ComplaintChannel.RECORDED,
                made_by_relationship=form.cleaned_data["made_by_relationship"],
                received_on=form.cleaned_data["received_on"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, "Recorded. Its dates are set from the day it was received.")
            return redirect("complaints:manage_detail", complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/record.html", {"form": form}, status=status)


def _detail_page(
    request: AuthenticatedHttpRequest, complaint: Complaint, *, error_form: Form | None = None
) -> HttpResponse:
    access_log_record(
        user=request.user,
        what="complaint",
        purpose=LOG_PURPOSE,
        object_id=complaint.pk,
        child=complaint.child,
    )
    context = {
        "complaint": complaint,
        "waiting": waiting_on(complaint, timezone.localdate()),
        "escalation_deadline": escalation_deadline(complaint),
        "can_act": request.user.role == Role.MANAGER,
        "today": timezone.localdate(),
        "outcomes": [(outcome.value, outcome.label) for outcome in ANSWER_OUTCOMES],
        "error_form": error_form,
    }
    return render(request, "complaints/detail.html", context, status=400 if error_form else 200)


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, complaint_id: int) -> HttpResponse:
    """One complaint with its words and every date; a manager moves it on from here, an IRO reads it."""
    require_role(request, Role.MANAGER, Role.IRO)
    return _detail_page(request, complaint_get_for_user(request.user, complaint_id))


def _step(
    request: AuthenticatedHttpRequest,
    complaint_id: int,
    service: Callable[..., Complaint],
    *,
    form_class: type[Form] | None,
    done: str,
) -> HttpResponse:
    """Run one stage's service for a manager with what the form gave; refused input shows the page again."""
    require_role(request, Role.MANAGER)
    complaint = complaint_get_for_user(request.user, complaint_id)
    form = form_class(request.POST) if form_class is not None else Form(request.POST)
    if form.is_valid():
        try:
            service(complaint=complaint, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("complaints:manage_detail", complaint.pk)
    complaint.refresh_from_db()
    return _detail_page(request, complaint, error_form=form)


def _step_view(service: Callable[..., Complaint], form_class: type[Form] | None, done: str, doc: str):
    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, complaint_id: int) -> HttpResponse:
        return _step(request, complaint_id, service, form_class=form_class, done=done)

    view.__doc__ = doc
    view.__name__ = service.__name__
    return view


acknowledge = _step_view(complaint_acknowledge, DayForm, "Acknowledged.", "Record the acknowledgement.")
extend_stage1 = _step_view(stage1_extend, None, "Stage 1 extended to 20 working days.", "Extend stage 1 (once).")
respond_stage1 = _step_view(stage1_respond, OutcomeForm, "Stage 1 answered.", "Record the stage 1 answer.")
request_stage2 = _step_view(stage2_request, DayForm, "Stage 2 asked for.", "Record a request for stage 2.")
extend_stage2 = _step_view(stage2_extend, None, "Stage 2 extended to 65 working days.", "Extend stage 2.")
respond_stage2 = _step_view(stage2_respond, OutcomeForm, "Stage 2 answered.", "Record the stage 2 answer.")
request_stage3 = _step_view(stage3_request, DayForm, "Review panel asked for.", "Record a request for a panel.")
panel_held = _step_view(stage3_panel_held, DayForm, "Panel recorded as held.", "Record the day the panel met.")
respond_stage3 = _step_view(stage3_respond, OutcomeForm, "Council's response recorded.", "Record the response.")
withdraw = _step_view(complaint_withdraw, None, "Recorded as withdrawn.", "Record that it was withdrawn.")
