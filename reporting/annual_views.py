"""The IRO annual report's pages: the document (page, PDF, Word) and the manager's words under each heading."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.access import require_role
from accounts.models import AuthenticatedHttpRequest, Role, User
from backend.pdf import PdfUnavailable, pdf_attachment, pdf_unavailable
from reporting.annual import NARRATIVE_KEYS, AnnualDocument, about_the_figures, annual_document, annual_pdf
from reporting.annual_docx import annual_docx
from reporting.models import NARRATIVE_MAX, AnnualNarrative, NarrativeStatus
from reporting.narratives import (
    NarrativeChanged,
    narrative_approve,
    narrative_history,
    narrative_return,
    narrative_save,
    narrative_submit,
)
from reporting.periods import Period, reporting_year

YEAR_ERROR = "Give the year the reporting year starts in, like 2025."


def _year(value: str | None) -> int:
    value = (value or "").strip()
    if not value:
        return reporting_year(timezone.localdate()).start.year
    try:
        year = int(value)
    except ValueError as exc:
        raise ValidationError({"year": YEAR_ERROR}) from exc
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": YEAR_ERROR})
    return year


def _document(request: AuthenticatedHttpRequest) -> AnnualDocument:
    require_role(request, Role.MANAGER)
    year = _year(request.GET.get("year"))
    return annual_document(Period(date(year, 4, 1), date(year + 1, 3, 31)))


def _bad_year(exc: ValidationError) -> HttpResponse:
    return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")


@login_required
def annual(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The IRO annual report as a page, with the manager's links to write under each heading."""
    try:
        document = _document(request)
    except ValidationError as exc:
        return _bad_year(exc)
    return render(request, "reporting/annual.html", {"document": document, "about": about_the_figures(document)})


@login_required
def annual_pdf_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The IRO annual report as a PDF to publish (WeasyPrint), the same document as the page."""
    try:
        document = _document(request)
    except ValidationError as exc:
        return _bad_year(exc)
    try:
        pdf = annual_pdf(document)
    except PdfUnavailable as problem:
        return pdf_unavailable(problem)
    return pdf_attachment(pdf, f"iro-annual-report-{document.period.start.year}.pdf")


@login_required
def annual_word(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The IRO annual report as a Word file the council can edit (python-docx)."""
    try:
        document = _document(request)
    except ValidationError as exc:
        return _bad_year(exc)
    response = HttpResponse(
        annual_docx(document), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="iro-annual-report-{document.period.start.year}.docx"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def annual_words(request: AuthenticatedHttpRequest, year: int, section: str) -> HttpResponse:
    """A manager writes, sends for review, sends back or approves the words under one heading."""
    require_role(request, Role.MANAGER)
    if section not in NARRATIVE_KEYS or not 2000 <= year <= 2100:
        raise Http404("No such heading.")
    narrative = AnnualNarrative.objects.filter(year=year, section=section).first()
    if request.method == "GET":
        return _words_page(request, year, section, narrative)
    step, text, comment = request.POST.get("step", ""), request.POST.get("text", ""), request.POST.get("comment", "")
    try:
        seen = int(request.POST.get("version", ""))
    except ValueError:
        return _words_page(request, year, section, narrative, text=text, error="The form was incomplete: try again.")
    try:
        message = _take_step(step, request.user, year, section, seen, text=text, comment=comment)
    except NarrativeChanged as changed:
        return _words_page(
            request, year, section, changed.narrative, text=text, comment=comment, status=409,
            error="Another manager changed these words while you had them open. Their version is below; your "
            "words are in the box, not saved.",
        )  # fmt: skip
    except ValidationError as exc:
        return _words_page(request, year, section, narrative, text=text, comment=comment, error=" ".join(exc.messages))
    messages.success(request, message)
    return redirect("reporting:annual_words", year=year, section=section)


def _take_step(step: str, manager: User, year: int, section: str, seen: int, *, text: str, comment: str) -> str:
    """Save, send for review, send back or approve; return what to tell the manager."""
    if step == "save":
        narrative_save(manager=manager, year=year, section=section, text=text, seen_version=seen)
        return "Saved as a draft."
    if step == "submit":
        narrative = AnnualNarrative.objects.filter(year=year, section=section).first()
        if narrative is not None and text.strip() and text.replace("\r\n", "\n").strip() != narrative.text:
            # Words changed in the box go with it rather than being left behind.
            seen = narrative_save(manager=manager, year=year, section=section, text=text, seen_version=seen).version
        narrative_submit(manager=manager, year=year, section=section, seen_version=seen)
        return "Sent for review by another manager."
    if step == "return":
        narrative_return(manager=manager, year=year, section=section, seen_version=seen, comment=comment)
        return "Sent back with your comment."
    if step == "approve":
        narrative_approve(manager=manager, year=year, section=section, seen_version=seen)
        return "Approved: the published report now carries these words."
    raise ValidationError({"step": "Choose what to do with the words."})


def _words_page(
    request: AuthenticatedHttpRequest,
    year: int,
    section: str,
    narrative: AnnualNarrative | None,
    *,
    text: str | None = None,
    comment: str = "",
    error: str = "",
    status: int | None = None,
) -> HttpResponse:
    can_approve = (
        narrative is not None
        and narrative.status == NarrativeStatus.IN_REVIEW
        and request.user.pk not in (narrative.submitted_by_id, narrative.updated_by_id)
    )
    context = {
        "year": year,
        "key": section,
        "heading": NARRATIVE_KEYS[section],
        "narrative": narrative,
        "history": narrative_history(narrative) if narrative else [],
        "text": text if text is not None else (narrative.text if narrative else ""),
        "comment": comment,
        "error": error,
        "can_approve": can_approve,
        "limit": NARRATIVE_MAX,
    }
    return render(request, "reporting/annual/words.html", context, status=status or (400 if error else 200))
