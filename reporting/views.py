"""Report pages: every table for the manager (and an IRO's own caseload), CSV and SSDA903 downloads."""

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import AuthenticatedHttpRequest, Role
from reporting.output import as_csv
from reporting.periods import Period, period_from
from reporting.selectors import report_for_user, report_names_for
from reporting.ssda903 import write_reviews_csv


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
