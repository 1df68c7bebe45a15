"""Pages for the IRO service: allocation, cover, review summaries, practice alerts, response times."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.models import AccessLogEntry, AccessPurpose, AuthenticatedHttpRequest, Role
from accounts.services import access_log_record, access_log_record_many
from backend.pdf import PdfUnavailable, pdf_attachment, pdf_unavailable
from consultations.selectors import parents_of
from feedback.crisis import crisis_help_due
from feedback.selectors import feedback_requests_open_for_child, statement_get_for_user
from reporting.casefile import review_summary_get_for_user, review_summary_pdf
from reporting.selectors import response_times_by_iro
from reviews.forms import (
    AbsenceForm,
    AdvocacyAskForm,
    AdvocateAssignForm,
    AllocateForm,
    PracticeAlertAdvanceForm,
    PracticeAlertForm,
    RecordConfirmForm,
    RecordReviewForm,
    ReviewSummaryForm,
    WorkerAllocateForm,
)
from reviews.models import AdvocacyRequestOutcome, Child, Review
from reviews.selectors import (
    advocacy_request_get_open_for_user,
    advocacy_request_open_for_child,
    advocacy_requests_answered_for,
    advocacy_requests_open_for,
    advocates_assigned_to,
    allocation_history,
    child_get_for_user,
    child_of_user,
    children_awaiting_allocation,
    iro_absences_upcoming,
    iro_allocated_on_time,
    iro_caseloads,
    iro_suggestions,
    practice_alert_get_for_user,
    practice_alert_steps,
    practice_alerts_open_first,
    responsible_iro,
    review_get_for_user,
    reviews_for_child_user,
    worker_allocation_history,
)
from reviews.services import (
    advocacy_request_close,
    advocacy_request_make,
    advocate_assign,
    iro_absence_record,
    iro_allocate,
    practice_alert_advance,
    practice_alert_raise,
    review_proposed_code,
    review_publish_summary,
    review_record_held,
    worker_allocate,
)


def _errors_to_form(form: Form, exc: ValidationError) -> None:
    for field_name, errors in exc.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, errors)


@login_required
def allocation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The manager's allocation page: caseloads against 50-70 per FTE, and children waiting."""
    require_role(request, Role.MANAGER)
    waiting = [(child, iro_suggestions(child)[:3]) for child in children_awaiting_allocation()]
    return render(
        request,
        "reviews/allocation.html",
        {"caseloads": iro_caseloads(), "waiting": waiting, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_allocate(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """Allocate (or change) a child's IRO, with suggestions and the child's history."""
    require_role(request, Role.MANAGER)
    child = child_get_for_user(request.user, child_id)
    form = AllocateForm()
    if request.method == "POST":
        form = AllocateForm(request.POST)
        if form.is_valid():
            try:
                iro_allocate(child=child, iro=form.cleaned_data["iro"], allocated_on=form.cleaned_data["allocated_on"])
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request, f"{child.case_reference} allocated to {form.cleaned_data['iro'].display_name}."
                )
                return redirect("reviews:allocation")
        return _child_allocate_page(request, child, form=form, status=400)
    return _child_allocate_page(request, child, form=form)


def _child_allocate_page(
    request: AuthenticatedHttpRequest,
    child: Child,
    *,
    form: AllocateForm | None = None,
    worker_form: WorkerAllocateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    history = allocation_history(child)
    return render(
        request,
        "reviews/child_allocate.html",
        {
            "child": child,
            "form": form or AllocateForm(),
            "worker_form": worker_form or WorkerAllocateForm(),
            "suggestions": iro_suggestions(child),
            "today": timezone.localdate(),
            "history": history,
            "worker_history": worker_allocation_history(child),
            "changes": max(len(history) - 1, 0),
            "on_time": iro_allocated_on_time(child),
        },
        status=status,
    )


@login_required
@require_POST
def child_allocate_worker(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """Allocate (or change) a child's social worker or personal adviser; the one before keeps their history."""
    require_role(request, Role.MANAGER)
    child = child_get_for_user(request.user, child_id)
    form = WorkerAllocateForm(request.POST)
    if form.is_valid():
        worker = form.cleaned_data["worker"]
        try:
            worker_allocate(child=child, worker=worker, kind=worker.role, on=form.cleaned_data["allocated_on"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request, f"{worker.display_name} is now {child.case_reference}'s {worker.get_role_display().lower()}."
            )
            return redirect("reviews:child_allocate", child_id=child.pk)
    return _child_allocate_page(request, child, worker_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def absences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """IRO absences and who covers; new items go to the cover while an IRO is away."""
    require_role(request, Role.MANAGER)
    form = AbsenceForm()
    if request.method == "POST":
        form = AbsenceForm(request.POST)
        if form.is_valid():
            try:
                iro_absence_record(**form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "Absence recorded.")
                return redirect("reviews:absences")
    return render(request, "reviews/absences.html", {"form": form, "absences": iro_absences_upcoming()})


@login_required
def response_time_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Time from a child's message to first read and to acknowledgement, per IRO."""
    require_role(request, Role.MANAGER)
    try:
        days = max(1, min(int(request.GET.get("days", "90")), 3660))
    except ValueError:
        days = 90
    until = timezone.now()
    since = datetime.combine(timezone.localdate() - timedelta(days=days), time.min, tzinfo=until.tzinfo)
    rows, overall = response_times_by_iro(since=since, until=until)
    return render(request, "reviews/response_times.html", {"rows": rows, "overall": overall, "days": days})


@login_required
def my_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A child's "what happened at your review" summaries."""
    require_role(request, Role.CHILD)
    asking = [feedback_request.review for feedback_request in feedback_requests_open_for_child(request.user)]
    child = child_of_user(request.user)
    context = {
        "reviews": reviews_for_child_user(request.user),
        "asking": asking,
        # The person who writes these summaries, as the child knows them (templates/includes/person_card.html).
        "iro": responsible_iro(child) if child else None,
    }
    return render(request, "reviews/my_reviews.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_summary(request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
    """The IRO writes and publishes what happened at a review, for the child."""
    require_role(request, Role.IRO)
    review = review_get_for_user(request.user, review_id)
    form = ReviewSummaryForm(initial={"child_summary": review.child_summary})
    if request.method == "POST":
        form = ReviewSummaryForm(request.POST)
        if form.is_valid():
            try:
                review_publish_summary(review=review, iro=request.user, text=form.cleaned_data["child_summary"])
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "Published. The child can now read it.")
                return redirect("feedback:inbox")
    return render(request, "reviews/review_summary.html", {"review": review, "form": form})


def _summary_download(request: AuthenticatedHttpRequest, review: Review) -> HttpResponse:
    """A published review summary as a PDF for the case file; a staff download is logged as an export."""
    try:
        pdf = review_summary_pdf(review, reader=request.user)
    except PdfUnavailable as problem:
        return pdf_unavailable(problem)
    access_log_record(
        user=request.user,
        what="review summary pdf",
        purpose=AccessPurpose.CHILD_RECORD,
        object_id=review.pk,
        child=review.child,
        action=AccessLogEntry.Action.EXPORT,
    )
    return pdf_attachment(pdf, f"heard-review-summary-{review.pk}.pdf")


@login_required
@require_GET
def review_summary_pdf_view(request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
    """The child's IRO downloads a published review summary (the summary page's gate); none yet is a 404."""
    require_role(request, Role.IRO)
    return _summary_download(request, review_summary_get_for_user(request.user, review_id))


@login_required
@require_GET
def my_review_summary_pdf(request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
    """A child downloads the summary of one of their own reviews, once published."""
    require_role(request, Role.CHILD)
    return _summary_download(request, review_summary_get_for_user(request.user, review_id))


@login_required
@require_http_methods(["GET", "POST"])
def review_record(request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
    """The IRO records a held review: how the child took part, each parent, and the code.

    "Propose the code" posts the answers to see Heard's code as a chosen one-click choice; recording is
    final, so it needs the confirmation ticked, and without it the page asks again with the proposal shown.
    """
    require_role(request, Role.IRO)
    review = review_get_for_user(request.user, review_id)
    if review.held_on is not None:
        messages.info(request, "This review has already been recorded.")
        return redirect("feedback:inbox")

    # Each parent with whether they were consulted and took part, as posted, so a page shown again keeps them.
    parent_rows = [
        (p, request.POST.get(f"consulted_{p.pk}") == "on", request.POST.get(f"took_part_{p.pk}") == "on")
        for p in parents_of(review.child)
    ]
    form = RecordReviewForm(initial={"held_on": review.scheduled_for or timezone.localdate()})
    confirm_form = RecordConfirmForm()
    proposal, status = "", 200
    if request.method == "POST":
        form = RecordReviewForm(request.POST)
        proposing = request.POST.get("step") == "propose"
        confirm_form = RecordConfirmForm(None if proposing else request.POST)
        status = 400
        if form.is_valid():
            status = 200 if proposing else 400
            data = form.cleaned_data
            proposal = review_proposed_code(
                review=review, held_on=data["held_on"], attended=data["attended"], views=data["views"]
            )
            form.offer_proposal(proposal)
            if not proposing and confirm_form.is_valid():
                try:
                    recorded = review_record_held(
                        review=review,
                        held_on=data["held_on"],
                        late_reason=data["late_reason"],
                        attended=data["attended"],
                        views=data["views"],
                        met_alone=data["met_alone"],
                        code=data["code"],
                        parents=[(parent.pk, consulted, took_part) for parent, consulted, took_part in parent_rows],
                    )
                except ValidationError as exc:
                    _errors_to_form(form, exc)
                else:
                    messages.success(
                        request,
                        f"Review recorded with code {recorded.participation_code}. Now write the child's summary.",
                    )
                    return redirect("reviews:review_summary", review_id=recorded.pk)
    return render(
        request,
        "reviews/review_record.html",
        {"review": review, "form": form, "confirm_form": confirm_form, "parents": parent_rows, "proposal": proposal},
        status=status,
    )


@login_required
def practice_alerts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Practice alerts the user may see, open ones first."""
    require_role(request, Role.IRO, Role.MANAGER)
    return render(request, "reviews/practice_alerts.html", {"alerts": practice_alerts_open_first(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def practice_alert_new(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """The IRO raises a practice alert about a child's care plan, maybe from the child's words."""
    require_role(request, Role.IRO, Role.MANAGER)
    child = child_get_for_user(request.user, child_id)
    statement_id = request.GET.get("statement") or request.POST.get("statement")
    statement = statement_get_for_user(request.user, statement_id) if statement_id else None
    form = PracticeAlertForm()
    if request.method == "POST":
        form = PracticeAlertForm(request.POST)
        if form.is_valid():
            try:
                alert = practice_alert_raise(
                    child=child,
                    user=request.user,
                    raised_on=timezone.localdate(),
                    statement=statement,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "Practice alert raised.")
                return redirect("reviews:practice_alert_detail", alert_id=alert.pk)
    if statement is not None:
        # The page quotes the child's message the alert starts from.
        access_log_record(
            user=request.user,
            what="statement",
            purpose=AccessPurpose.PRACTICE_ALERT,
            object_id=statement.pk,
            child=statement.child,
        )
    return render(request, "reviews/practice_alert_new.html", {"child": child, "form": form, "statement": statement})


@login_required
@require_http_methods(["GET", "POST"])
def practice_alert_detail(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """A practice alert, its stages so far, and moving it on."""
    require_role(request, Role.IRO, Role.MANAGER)
    alert = practice_alert_get_for_user(request.user, alert_id)
    form = PracticeAlertAdvanceForm()
    if request.method == "POST":
        form = PracticeAlertAdvanceForm(request.POST)
        if form.is_valid():
            try:
                practice_alert_advance(alert=alert, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, "Practice alert updated.")
                return redirect("reviews:practice_alert_detail", alert_id=alert.pk)
    return render(
        request,
        "reviews/practice_alert_detail.html",
        {"alert": alert, "steps": practice_alert_steps(alert), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_advocate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A child asks for an advocate, and sees whether they have one or are waiting."""
    require_role(request, Role.CHILD)
    child = child_of_user(request.user)
    if child is None:
        raise Http404
    form = AdvocacyAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            advocacy_request_make(child=child, requested_by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("We have asked for an advocate for you. Your IRO knows too."))
            return redirect("reviews:my_advocate")
    context = {
        "form": form,
        "waiting": advocacy_request_open_for_child(child),
        "advocates": advocates_assigned_to(child),
        "show_crisis_help": crisis_help_due(child),
    }
    return render(request, "reviews/my_advocate.html", context)


@login_required
@require_GET
def advocacy_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Children who asked for an advocate: managers assign one; the child's IRO can see and close."""
    require_role(request, Role.IRO, Role.MANAGER)
    return _advocacy_requests_page(request)


def _advocacy_requests_page(request: AuthenticatedHttpRequest, status: int = 200) -> HttpResponse:
    waiting = list(advocacy_requests_open_for(request.user))
    # The open requests are shown with the child's own note: one read of them all, in one insert.
    access_log_record_many(
        user=request.user,
        what="advocacy request",
        purpose=AccessPurpose.ADVOCACY_REQUEST,
        records=[(advocacy.pk, advocacy.child) for advocacy in waiting],
    )
    context = {
        "open": waiting,
        "closed": advocacy_requests_answered_for(request.user)[:20],
        "assign_form": AdvocateAssignForm() if request.user.role == Role.MANAGER else None,
    }
    return render(request, "reviews/advocacy_requests.html", context, status=status)


@login_required
@require_POST
def advocacy_request_assign(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """A manager assigns an advocate, which answers the child's request; anything else is sent back to choose."""
    require_role(request, Role.IRO, Role.MANAGER)
    advocacy = advocacy_request_get_open_for_user(request.user, request_id)
    form = AdvocateAssignForm(request.POST)
    if request.user.role == Role.MANAGER and form.is_valid():
        advocate_assign(
            child=advocacy.child,
            advocate=form.cleaned_data["advocate"],
            started_on=timezone.localdate(),
            by=request.user,
        )
        messages.success(request, "Advocate assigned; they can now write for the child.")
        return redirect("reviews:advocacy_requests")
    messages.error(request, "Choose an advocate.")
    return _advocacy_requests_page(request, status=400)


@login_required
@require_POST
def advocacy_request_not_wanted(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """The child's IRO or a manager closes a request: the child decided against an advocate."""
    require_role(request, Role.IRO, Role.MANAGER)
    advocacy = advocacy_request_get_open_for_user(request.user, request_id)
    advocacy_request_close(request=advocacy, by=request.user, outcome=AdvocacyRequestOutcome.NOT_WANTED)
    messages.success(request, "Request closed: the child decided against an advocate.")
    return redirect("reviews:advocacy_requests")
