"""Report pages: every table for the manager (and an IRO's own caseload), CSV and SSDA903 downloads."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import AuthenticatedHttpRequest, Role
from reporting.models import Quote, Theme
from reporting.output import as_csv
from reporting.periods import Period, period_from
from reporting.selectors import report_for_user, report_names_for
from reporting.services import quote_approve, quote_reject, you_said_we_did_publish
from reporting.ssda903 import write_reviews_csv
from reporting.themes import cicc_quotes, cicc_themes, closed_quarters, you_said_we_did_recent


def _period(request: AuthenticatedHttpRequest) -> tuple[Period | None, str]:
    try:
        return period_from(request.GET.get("from"), request.GET.get("to"), today=timezone.localdate()), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


@login_required
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every report the user may see, for the period asked (default this reporting year)."""
    names = report_names_for(request.user)
    period, error = _period(request)
    tables = [report_for_user(request.user, name, period) for name in names] if period else []
    return render(
        request,
        "reporting/reports.html",
        {"tables": tables, "period": period, "error": error, "query": request.GET.urlencode()},
        status=400 if error else 200,
    )


@login_required
def report_csv(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """One report as CSV."""
    period, error = _period(request)
    if period is None:
        return HttpResponse(error, status=400, content_type="text/plain")
    table = report_for_user(request.user, name, period)
    response = HttpResponse(as_csv(table), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}-{period.start}-{period.end}.csv"'
    return response


@login_required
def ssda903_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The manager downloads the SSDA903 reviews file for a collection year."""
    if request.user.role != Role.MANAGER:
        raise Http404
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return HttpResponse("Give the collection year, e.g. ?year=2025.", status=400, content_type="text/plain")
    if not 2000 <= year <= 2100:
        return HttpResponse(
            "The year is the one the collection ends in, like 2025.", status=400, content_type="text/plain"
        )
    with tempfile.TemporaryDirectory() as folder:
        content = write_reviews_csv(year, Path(folder)).read_text()
    response = HttpResponse(content, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="ssda903-reviews-{year}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def cicc(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The Children in Care Council's page: themes by closed quarter, approved quotes, and publishing."""
    if request.user.role != Role.CICC:
        raise Http404
    error = ""
    if request.method == "POST":
        theme = Theme.objects.filter(pk=request.POST.get("theme") or 0).first()
        try:
            if theme is None:
                raise ValidationError({"theme": "Choose a theme."})
            quarter = closed_quarters(timezone.localdate(), 1)[0]
            you_said_we_did_publish(
                member=request.user, theme=theme, period_start=quarter.start, period_end=quarter.end,
                you_said=request.POST.get("you_said", ""), we_did=request.POST.get("we_did", ""),
            )  # fmt: skip
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Published. Children can read it now.")
            return redirect("reporting:cicc")
    today = timezone.localdate()
    return render(
        request,
        "reporting/cicc.html",
        {
            "periods": cicc_themes(today),
            "quotes": cicc_quotes(today),
            "published": you_said_we_did_recent(),
            "themes": Theme.objects.all(),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def you_said_we_did(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What children said and what the council did about it, for children to read."""
    if request.user.role != Role.CHILD:
        raise Http404
    return render(request, "reporting/you_said_we_did.html", {"published": you_said_we_did_recent()})


@login_required
@require_http_methods(["GET", "POST"])
def quotes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The participation officer checks each redacted quote before the CiCC can see it."""
    if request.user.role != Role.MANAGER:
        raise Http404
    if request.method == "POST":
        quote = Quote.objects.filter(pk=request.POST.get("quote") or 0, approved_at__isnull=True).first()
        if quote is None:
            raise Http404
        if request.POST.get("action") == "reject":
            quote_reject(quote=quote, officer=request.user)
            messages.success(request, "Quote withdrawn.")
        else:
            try:
                quote_approve(quote=quote, officer=request.user, text=request.POST.get("text", ""))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Quote approved for the Children in Care Council.")
        return redirect("reporting:quotes")
    waiting = Quote.objects.filter(approved_at__isnull=True).select_related("theme", "statement")
    return render(request, "reporting/quotes.html", {"quotes": waiting})
