"""Report pages: every table for the manager (and an IRO's own caseload), CSV and SSDA903 downloads."""

import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import posted_id, require_role
from accounts.models import AccessLogEntry, AccessPurpose, AuthenticatedHttpRequest, Role, Team
from accounts.services import access_log_record, access_log_record_many
from reporting.catalogue import contents_for, in_order
from reporting.charts import report_chart
from reporting.cicc_wellbeing import cicc_indicator_choices, cicc_wellbeing
from reporting.models import WITHDRAWN_REASON_MAX, Theme, YouSaidWeDid, indicator_name
from reporting.output import as_csv
from reporting.periods import Period, period_from, reporting_year
from reporting.selectors import (
    access_log_recent,
    quote_waiting_get,
    quotes_waiting,
    report_for_user,
    report_names_for,
    report_team,
    teams_for,
    theme_get,
    themes,
    you_said_we_did_get_for_member,
    you_said_we_did_kept_by,
    you_said_we_did_visible_to,
)
from reporting.services import (
    quote_approve,
    quote_reject,
    you_said_we_did_about,
    you_said_we_did_checked,
    you_said_we_did_edit,
    you_said_we_did_edit_checked,
    you_said_we_did_publish,
    you_said_we_did_withdraw,
)
from reporting.ssda903 import UnsafeExportError, write_reviews_csv
from reporting.themes import cicc_quotes, cicc_themes, closed_quarters

YOU_SAID_WE_DID_SHOWN = 20


def _period(request: AuthenticatedHttpRequest) -> tuple[Period | None, str]:
    try:
        return period_from(request.GET.get("from"), request.GET.get("to"), today=timezone.localdate()), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


def _team(request: AuthenticatedHttpRequest) -> tuple[Team | None, str]:
    try:
        return report_team(request.user, request.GET.get("team")), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


def _kept(request: AuthenticatedHttpRequest) -> str:
    """The period and team asked for, as a query string for the links onward (nothing else carried)."""
    return urlencode({key: request.GET[key] for key in ("from", "to", "team") if request.GET.get(key)})


def _choices(team: Team | None) -> list[tuple[str, str]]:
    """The picker's quick choices: this and last reporting year, and the last quarter, as query strings."""
    today = timezone.localdate()
    this_year = reporting_year(today)
    last_year = this_year.previous()
    quarter = closed_quarters(today, 1)[0]
    extra = {"team": team.pk} if team else {}
    return [
        (label, urlencode({"from": period.start.isoformat(), "to": period.end.isoformat(), **extra}))
        for label, period in (
            (f"This reporting year ({this_year.label})", this_year),
            (f"Last reporting year ({last_year.label})", last_year),
            (f"Last quarter ({quarter.label})", quarter),
        )
    ]


@login_required
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The contents: every report the user may see, under plain headings, each with what it shows."""
    names = report_names_for(request.user)
    return render(
        request,
        "reporting/reports.html",
        {"sections": contents_for(names), "query": _kept(request), "year": reporting_year(timezone.localdate())},
    )


@login_required
def report_page(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """One report: what it counts, the period picker, the table with its chart, CSV, and the reports either side."""
    entries = in_order(report_names_for(request.user))
    index = next((i for i, entry in enumerate(entries) if entry.name == name), None)
    if index is None:
        raise Http404("No such report.")
    period, error = _period(request)
    team, team_error = _team(request)
    error = " ".join(part for part in (error, team_error) if part)
    table = report_for_user(request.user, name, period, team) if period and not error else None
    before = period.previous() if period else None
    whole_year = period is not None and period == reporting_year(period.start)
    context = {
        "entry": entries[index],
        "previous_entry": entries[index - 1] if index > 0 else None,
        "next_entry": entries[index + 1] if index + 1 < len(entries) else None,
        "table": table,
        "chart": mark_safe(report_chart(table, "Year before" if whole_year else "Period before")) if table else "",  # noqa: S308 (drawn here, every label escaped)
        "period": period,
        "before": before,
        "before_heading": "Year before" if whole_year else "Period before",
        "team": team,
        "teams": teams_for(request.user),
        "chosen_team": request.GET.get("team", ""),
        "asked_from": request.GET.get("from", ""),
        "asked_to": request.GET.get("to", ""),
        "choices": _choices(team),
        "error": error,
        "query": _kept(request),
    }
    return render(request, "reporting/report.html", context, status=400 if error else 200)


@login_required
def report_csv(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """One report as CSV, for the period (and, for a manager, the team) asked for."""
    period, error = _period(request)
    team, team_error = _team(request)
    if period is None or team_error:
        return HttpResponse(error or team_error, status=400, content_type="text/plain")
    table = report_for_user(request.user, name, period, team)
    response = HttpResponse(as_csv(table), content_type="text/csv")
    suffix = f"-team-{team.pk}" if team else ""
    response["Content-Disposition"] = f'attachment; filename="{name}-{period.start}-{period.end}{suffix}.csv"'
    return response


@login_required
def ssda903_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The manager downloads the SSDA903 reviews file for a collection year."""
    require_role(request, Role.MANAGER)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return HttpResponse("Give the collection year, e.g. ?year=2025.", status=400, content_type="text/plain")
    if not 2000 <= year <= 2100:
        return HttpResponse(
            "The year is the one the collection ends in, like 2025.", status=400, content_type="text/plain"
        )
    with tempfile.TemporaryDirectory() as folder:
        try:
            content = write_reviews_csv(year, Path(folder)).read_text()
        except UnsafeExportError as exc:
            # A record typed by hand would break the DfE's file: say which, and write nothing.
            return HttpResponse(str(exc), status=409, content_type="text/plain")
    access_log_record(
        user=request.user,
        what="SSDA903 reviews file",
        purpose=AccessPurpose.EXPORT,
        object_id=year,
        action=AccessLogEntry.Action.EXPORT,
    )
    response = HttpResponse(content, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="ssda903-reviews-{year}.csv"'
    return response


@dataclass
class _Draft:
    """What a CiCC member typed for an item, carried between the form and the check step."""

    theme_id: int
    you_said: str
    we_did: str
    indicator: str = ""

    @classmethod
    def posted(cls, request: AuthenticatedHttpRequest) -> "_Draft":
        post = request.POST
        return cls(
            posted_id(post.get("theme")), post.get("you_said", ""), post.get("we_did", ""), post.get("indicator", "")
        )

    def theme(self) -> Theme | None:
        """The theme chosen, None when none was (an indicator instead); refuse one that is not the council's."""
        if not self.theme_id and not self.indicator:
            raise ValidationError({"theme": "Choose a theme or a wellbeing indicator."})
        if not self.theme_id:
            return None
        theme = theme_get(self.theme_id)
        if theme is None:
            raise ValidationError({"theme": "Choose a theme."})
        return theme

    @property
    def about(self) -> str:
        """What the item is about, as children will read it."""
        return indicator_name(self.indicator) if self.indicator else ""


def _check_step(
    request: AuthenticatedHttpRequest,
    *,
    draft: _Draft,
    theme: Theme | None,
    period: Period,
    item: YouSaidWeDid | None = None,
) -> HttpResponse:
    """Show the item as children will see it, with the words carried in hidden fields to publish or change."""
    return render(
        request,
        "reporting/you_said_we_did_check.html",
        {"draft": draft, "theme": theme, "period": period, "item": item},
    )


def _cicc_page(request: AuthenticatedHttpRequest, *, draft: _Draft | None = None, error: str = "") -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "reporting/cicc.html",
        {
            "periods": cicc_themes(today),
            "quotes": cicc_quotes(today),
            "published": you_said_we_did_kept_by(request.user),
            "themes": themes(),
            "indicators": cicc_indicator_choices(),
            "wellbeing": cicc_wellbeing(today),
            "draft": draft,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def cicc(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The Children in Care Council's page: themes by closed quarter, approved quotes, and publishing.

    Publishing takes two posts: the first shows the item as children will see it and stores nothing;
    only the post from that check step (`confirmed=1`) publishes. "Change it" brings the form back, filled in.
    """
    require_role(request, Role.CICC)
    if request.method == "GET":
        return _cicc_page(request)
    draft = _Draft.posted(request)
    if request.POST.get("change"):
        return _cicc_page(request, draft=draft)
    quarter = closed_quarters(timezone.localdate(), 1)[0]
    try:
        theme = draft.theme()
        if request.POST.get("confirmed") != "1":
            you_said_we_did_about(theme=theme, indicator=draft.indicator)
            draft.you_said, draft.we_did = you_said_we_did_checked(you_said=draft.you_said, we_did=draft.we_did)
            return _check_step(request, draft=draft, theme=theme, period=quarter)
        you_said_we_did_publish(
            member=request.user, theme=theme, indicator=draft.indicator, period_start=quarter.start,
            period_end=quarter.end, you_said=draft.you_said, we_did=draft.we_did,
        )  # fmt: skip
    except ValidationError as exc:
        return _cicc_page(request, draft=draft, error=" ".join(exc.messages))
    messages.success(request, "Published. Children can read it now.")
    return redirect("reporting:cicc")


@login_required
@require_http_methods(["GET", "POST"])
def you_said_we_did_edit_view(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """A CiCC member changes a published item's theme or words, checking it first; the old words are kept."""
    item = you_said_we_did_get_for_member(request.user, item_id)
    if request.method == "GET":
        draft = _Draft(item.theme_id or 0, item.you_said, item.we_did, item.indicator)
        return _edit_page(request, item=item, draft=draft)
    draft = _Draft.posted(request)
    if request.POST.get("change"):
        return _edit_page(request, item=item, draft=draft)
    try:
        theme = draft.theme()
        if request.POST.get("confirmed") != "1":
            draft.you_said, draft.we_did = you_said_we_did_edit_checked(
                item=item, theme=theme, indicator=draft.indicator, you_said=draft.you_said, we_did=draft.we_did
            )
            period = Period(item.period_start, item.period_end)
            return _check_step(request, draft=draft, theme=theme, period=period, item=item)
        you_said_we_did_edit(
            member=request.user, item=item, theme=theme, indicator=draft.indicator,
            you_said=draft.you_said, we_did=draft.we_did,
        )  # fmt: skip
    except ValidationError as exc:
        return _edit_page(request, item=item, draft=draft, error=" ".join(exc.messages))
    messages.success(request, "Changed. Children read the new words now.")
    return redirect("reporting:cicc")


def _edit_page(
    request: AuthenticatedHttpRequest, *, item: YouSaidWeDid, draft: _Draft, error: str = ""
) -> HttpResponse:
    return render(
        request,
        "reporting/you_said_we_did_edit.html",
        {"item": item, "draft": draft, "themes": themes(), "indicators": cicc_indicator_choices(), "error": error},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def you_said_we_did_withdraw_view(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    """A CiCC member withdraws an item after saying why: the page asks first, and only its post withdraws."""
    item = you_said_we_did_get_for_member(request.user, item_id)
    reason, error = "", ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            you_said_we_did_withdraw(member=request.user, item=item, reason=reason)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Withdrawn. Children no longer see it.")
            return redirect("reporting:cicc")
    return render(
        request,
        "reporting/you_said_we_did_withdraw.html",
        {"item": item, "reason": reason, "error": error, "reason_max": WITHDRAWN_REASON_MAX},
        status=400 if error else 200,
    )


@login_required
def you_said_we_did(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What children said and what the council did about it, for children to read (never what was withdrawn)."""
    require_role(request, Role.CHILD)
    published = you_said_we_did_visible_to(request.user)[:YOU_SAID_WE_DID_SHOWN]
    return render(request, "reporting/you_said_we_did.html", {"published": published})


@login_required
@require_http_methods(["GET", "POST"])
def quotes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The participation officer checks each redacted quote before the CiCC can see it, and approves it."""
    require_role(request, Role.MANAGER)
    if request.method == "POST":
        quote = quote_waiting_get(posted_id(request.POST.get("quote")))
        try:
            quote_approve(quote=quote, officer=request.user, text=request.POST.get("text", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Quote approved for the Children in Care Council.")
        return redirect("reporting:quotes")
    waiting = quotes_waiting()
    access_log_record_many(
        user=request.user,
        what="quote",
        purpose=AccessPurpose.QUOTE_CHECK,
        records=[(quote.pk, quote.statement.child) for quote in waiting],
    )
    return render(request, "reporting/quotes.html", {"quotes": waiting})


@login_required
@require_POST
def quote_withdraw(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The participation officer withdraws a quote instead: it is never shown."""
    require_role(request, Role.MANAGER)
    quote_reject(quote=quote_waiting_get(posted_id(request.POST.get("quote"))), officer=request.user)
    messages.success(request, "Quote withdrawn.")
    return redirect("reporting:quotes")


@login_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Managers see who read or exported children's words and records, newest first."""
    require_role(request, Role.MANAGER)
    child = request.GET.get("child", "").strip()
    return render(request, "reporting/access_log.html", {"entries": access_log_recent(child), "child": child})
