"""Pages for consultations: answering by link or signed in, on a child's behalf, and the IRO's pack.

A form is read with GET; saving the answers so far and sending them are posts of their own
(`<page>_save`, `<page>_send`), the same for every way a form is reached.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import posted_id, require_role
from accounts.models import AccessLogEntry, AccessPurpose, AuthenticatedHttpRequest, Role, User
from accounts.services import access_log_record
from backend.pdf import PdfUnavailable, pdf_attachment, pdf_unavailable
from backend.signed_links import LinkProblem
from consultations.models import CHILD_AUDIENCES, ONE_A_SCREEN_AUDIENCES, EntryMode, Invitation
from consultations.pictures import picture_path
from consultations.schema import MULTI_CHOICE_TYPES, choices_for, localise, max_length_for
from consultations.selectors import (
    FeelingPoint,
    child_form_template_get,
    child_form_templates,
    consultation_is_open_for_child,
    consultations_open_for_child,
    form_version_get,
    invitation_get_for_user,
    pack_answer_get,
    review_get_for_pack,
    review_pack,
    wellbeing_history,
)
from consultations.services import (
    form_override_set,
    invitation_open,
    response_save_draft,
    response_submit,
)
from consultations.wellbeing import SCALE_TYPE
from consultations.wellbeing_chart import wellbeing_table
from feedback.crisis import crisis_help_due
from feedback.models import Feeling
from reporting.casefile import consultation_answer_pdf
from reviews.selectors import child_get_for_user, language_for


@dataclass
class _Posted:
    """What a post of the form carries: the answers, and for an adult with the child, how and with consent."""

    answers: dict
    entry_mode: str = EntryMode.OWN_WORDS
    consent_given: bool = False


def _posted(request: HttpRequest, invitation: Invitation, *, on_behalf: bool) -> _Posted:
    answers = {}
    for question in invitation.asked_schema["questions"]:
        name = f"q_{question['id']}"
        multiple = question["type"] in MULTI_CHOICE_TYPES
        answers[question["id"]] = request.POST.getlist(name) if multiple else request.POST.get(name, "")
    if not on_behalf:
        return _Posted(answers)
    return _Posted(answers, request.POST.get("entry_mode", ""), request.POST.get("consent_given") == "on")


def _choices(question: dict, *, symbols: bool) -> list[dict]:
    """A question's choices, each with the address of its drawn picture or symbol (if it has one)."""
    shown = []
    for choice in choices_for(question):
        path = picture_path(choice.get("picture"), symbols=symbols)
        shown.append({**choice, "picture_src": static(path) if path else ""})
    return shown


def _questions(schema: dict, answers: dict, errors: dict) -> list[dict]:
    """Questions ready for the template: their choices, current answer and any error."""
    shown = []
    symbols = bool(schema.get("symbols"))
    for question in schema["questions"]:
        value = answers.get(question["id"])
        shown.append(
            {
                **question,
                "name": f"q_{question['id']}",
                "choices": _choices(question, symbols=symbols),
                "value": value if value is not None else ([] if question["type"] in MULTI_CHOICE_TYPES else ""),
                "error": errors.get(question["id"], ""),
                "max_length": max_length_for(question),
                "multiple": question["type"] in MULTI_CHOICE_TYPES,
                "long": question["type"] in ("long_text", "not_shared"),
                "scale": question["type"] == SCALE_TYPE,
            }
        )
    return shown


def _form_page(
    request: HttpRequest,
    invitation: Invitation,
    page: str,
    key: str | int,
    *,
    on_behalf: bool = False,
    posted: _Posted | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    """Show the form with the answers so far, or as just posted with what is wrong (400)."""
    if posted is None:
        draft = getattr(invitation, "response", None)
        posted = _Posted(dict(draft.answers) if draft else {})
    errors = errors or {}
    # Only the questions asked at the child's age (a question's from_age), in the page's language.
    schema = localise(invitation.asked_schema, get_language())
    return render(
        request,
        _template_for(invitation.audience),
        {
            "invitation": invitation,
            # A child's form wears the children's look, also when opened by a link without signing in.
            "body_class": "theme-child" if invitation.audience in CHILD_AUDIENCES else "theme-staff",
            "schema": schema,
            "questions": _questions(schema, posted.answers, errors),
            "errors": errors,
            "on_behalf": on_behalf,
            "entry_modes": EntryMode.choices,
            "entry_mode": posted.entry_mode,
            "consent": posted.consent_given,
            "save_url": reverse(f"consultations:{page}_save", args=[key]),
            "send_url": reverse(f"consultations:{page}_send", args=[key]),
        },
        status=400 if errors else 200,
    )


def _template_for(audience: str) -> str:
    """The youngest children's and the symbols form go one question a screen; the others, one page."""
    return "consultations/little_form.html" if audience in ONE_A_SCREEN_AUDIENCES else "consultations/form.html"


def _errors(exc: ValidationError) -> dict[str, str]:
    return {key: " ".join(value) for key, value in exc.message_dict.items()}


def _save(
    request: HttpRequest,
    invitation: Invitation,
    page: str,
    key: str | int,
    *,
    entered_by: User | None = None,
    on_behalf: bool = False,
) -> HttpResponse:
    """Keep the answers so far: JSON for the form's own save-as-you-go script, else back to the form."""
    posted = _posted(request, invitation, on_behalf=on_behalf)
    by_script = request.headers.get("X-Requested-With") == "fetch"
    try:
        response_save_draft(
            invitation=invitation,
            answers=posted.answers,
            entered_by=entered_by,
            entry_mode=posted.entry_mode,
            consent_given=posted.consent_given,
        )
    except ValidationError as exc:
        if by_script:
            return JsonResponse({"saved": False, "errors": _errors(exc)}, status=400)
        return _form_page(request, invitation, page, key, on_behalf=on_behalf, posted=posted, errors=_errors(exc))
    if by_script:
        return JsonResponse({"saved": True})
    messages.success(request, _("Saved. You can come back and finish later."))
    return redirect(reverse(f"consultations:{page}", args=[key]))


def _send(
    request: HttpRequest,
    invitation: Invitation,
    page: str,
    key: str | int,
    *,
    done_url: str,
    entered_by: User | None = None,
    on_behalf: bool = False,
) -> HttpResponse:
    """Send the answers to the IRO and say thank you, or show what is missing (400)."""
    posted = _posted(request, invitation, on_behalf=on_behalf)
    try:
        response_submit(
            invitation=invitation,
            answers=posted.answers,
            entered_by=entered_by,
            entry_mode=posted.entry_mode,
            consent_given=posted.consent_given,
        )
    except ValidationError as exc:
        return _form_page(request, invitation, page, key, on_behalf=on_behalf, posted=posted, errors=_errors(exc))
    # A disclosure in the child's own answers raised an alert: the crisis help, at once (feedback.crisis).
    crisis = invitation.contact is None and crisis_help_due(invitation.review.child)
    return render(request, "consultations/thanks.html", {"done_url": done_url, "show_crisis_help": crisis})


def _link_problem(request: HttpRequest, problem: LinkProblem) -> HttpResponse:
    """A link that cannot be used, said kindly: 404 when made up or altered, 410 when used or run out."""
    status = 404 if problem.reason == "invalid" else 410
    return render(request, "consultations/link_problem.html", {"reason": problem.reason}, status=status)


def _already_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "consultations/link_problem.html", {"reason": "used"}, status=410)


def _by_link(request: HttpRequest, token: str, then: Callable[[Invitation], HttpResponse]) -> HttpResponse:
    """Open the form a link is for and go on with it; a link that cannot be used says why."""
    try:
        invitation = invitation_open(token)
    except LinkProblem as problem:
        return _link_problem(request, problem)
    child = invitation.review.child
    if invitation.contact is None and child.preferred_language:
        # The child's own link opens in the language of the text that carried it: their record's.
        with translation.override(language_for(child)):
            return then(invitation)
    return then(invitation)


@require_GET
def by_link(request: HttpRequest, token: str) -> HttpResponse:
    """A form opened from the link in a text or email; no sign-in needed, one use, expiring."""
    return _by_link(request, token, lambda invitation: _form_page(request, invitation, "by_link", token))


@require_POST
def by_link_save(request: HttpRequest, token: str) -> HttpResponse:
    """Save the answers so far to a form opened from a link."""
    return _by_link(request, token, lambda invitation: _save(request, invitation, "by_link", token))


@require_POST
def by_link_send(request: HttpRequest, token: str) -> HttpResponse:
    """Send a form opened from a link."""
    return _by_link(request, token, lambda invitation: _send(request, invitation, "by_link", token, done_url=""))


@login_required
def my_consultations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The forms waiting for a signed-in child."""
    require_role(request, Role.CHILD)
    language = get_language()
    forms = [(i, localise(i.version.schema, language)["title"]) for i in consultations_open_for_child(request.user)]
    return render(request, "consultations/mine.html", {"forms": forms})


def _childs_own(
    request: AuthenticatedHttpRequest, invitation_id: int, then: Callable[[Invitation], HttpResponse]
) -> HttpResponse:
    """Go on with the signed-in child's own form while it is open; a sent one says so."""
    require_role(request, Role.CHILD)
    invitation = invitation_get_for_user(request.user, invitation_id)
    if not consultation_is_open_for_child(request.user, invitation):
        return _already_sent(request)
    return then(invitation)


@login_required
@require_GET
def my_consultation(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """A signed-in child fills in their form."""
    return _childs_own(
        request, invitation_id, lambda invitation: _form_page(request, invitation, "mine_detail", invitation_id)
    )


@login_required
@require_POST
def my_consultation_save(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """A signed-in child saves their answers so far."""
    return _childs_own(
        request,
        invitation_id,
        lambda invitation: _save(request, invitation, "mine_detail", invitation_id, entered_by=request.user),
    )


@login_required
@require_POST
def my_consultation_send(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """A signed-in child sends their form to their IRO."""
    return _childs_own(
        request,
        invitation_id,
        lambda invitation: _send(
            request, invitation, "mine_detail", invitation_id, done_url="/my/messages/", entered_by=request.user
        ),
    )


def _is_sent(invitation: Invitation) -> bool:
    return hasattr(invitation, "response") and invitation.response.is_submitted


@login_required
@require_GET
def on_behalf(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """An advocate or IRO fills in the child's form with them, saying how and with consent."""
    require_role(request, Role.ADVOCATE, Role.IRO)
    invitation = invitation_get_for_user(request.user, invitation_id)
    if _is_sent(invitation):
        return _already_sent(request)
    # Opening the form shows the child's answers so far: a read. The posts that save or send it
    # carry what the adult just entered with the child, and are not.
    access_log_record(
        user=request.user,
        what="consultation form",
        purpose=AccessPurpose.CONSULTATION,
        object_id=invitation.pk,
        child=invitation.review.child,
    )
    return _form_page(request, invitation, "on_behalf", invitation_id, on_behalf=True)


@login_required
@require_POST
def on_behalf_save(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """An advocate or IRO saves the answers so far given with the child."""
    require_role(request, Role.ADVOCATE, Role.IRO)
    invitation = invitation_get_for_user(request.user, invitation_id)
    if _is_sent(invitation):
        return _already_sent(request)
    return _save(request, invitation, "on_behalf", invitation_id, entered_by=request.user, on_behalf=True)


@login_required
@require_POST
def on_behalf_send(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """An advocate or IRO sends the child's answers, with the child's consent."""
    require_role(request, Role.ADVOCATE, Role.IRO)
    invitation = invitation_get_for_user(request.user, invitation_id)
    if _is_sent(invitation):
        return _already_sent(request)
    return _send(request, invitation, "on_behalf", invitation_id, done_url="/", entered_by=request.user, on_behalf=True)


# The feelings chart's size in SVG units: room on the left for each face and its word.
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 640, 200, 120, 16, 14, 34


def _feelings_chart(points: list[FeelingPoint]) -> dict | None:
    """Where to draw each feeling on the pack's chart: placed by date, best at the top (the template draws it)."""
    if not points:
        return None
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    step = (CHART_HEIGHT - CHART_TOP - CHART_BOTTOM) / (len(Feeling) - 1)

    def y(feeling: int) -> float:
        return round(CHART_TOP + (Feeling.REALLY_GOOD - feeling) * step, 1)

    first, span = points[0].at, (points[-1].at - points[0].at).total_seconds()
    dots = []
    for point in points:
        # One message, or all at one moment: in the middle rather than stacked on the axis.
        share = (point.at - first).total_seconds() / span if span else 0.5
        dots.append({"x": round(CHART_LEFT + share * plot_width, 1), "y": y(point.feeling), "point": point})
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "axis_y": CHART_HEIGHT - CHART_BOTTOM + 20,
        "rows": [
            # The face (20 units square) and the word centred on the feeling's line.
            {
                "y": y(feeling),
                "face_y": y(feeling) - 10,
                "text_y": y(feeling) + 5,
                "face": str(feeling.value),
                "word": feeling.label,
            }
            for feeling in reversed(Feeling)
        ],
        "dots": dots,
        "line": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
    }


@login_required
def pack(request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
    """The IRO's pre-review pack: every response, every statement since the last review, who is missing."""
    review = review_get_for_pack(request.user, review_id)
    access_log_record(
        user=request.user, what="pre-review pack", purpose=AccessPurpose.PACK, object_id=review.pk, child=review.child
    )
    the_pack = review_pack(review)
    return render(
        request,
        "consultations/pack.html",
        {
            "pack": the_pack,
            "feelings_chart": _feelings_chart(the_pack.feelings),
            "wellbeing": wellbeing_table(wellbeing_history(review.child, up_to=review)),
            "lead_days": settings.HEARD_CONSULTATION_LEAD_WORKING_DAYS,
        },
    )


@login_required
@require_GET
def pack_answer_pdf(request: AuthenticatedHttpRequest, review_id: int, invitation_id: int) -> HttpResponse:
    """One sent answer in the pre-review pack as a PDF for the case file; the download is logged as an export."""
    review = review_get_for_pack(request.user, review_id)
    entry = pack_answer_get(review, invitation_id)
    try:
        pdf = consultation_answer_pdf(entry, reader=request.user)
    except PdfUnavailable as problem:
        return pdf_unavailable(problem)
    access_log_record(
        user=request.user,
        what="consultation answer pdf",
        purpose=AccessPurpose.PACK,
        object_id=entry.invitation.pk,
        child=review.child,
        action=AccessLogEntry.Action.EXPORT,
    )
    return pdf_attachment(pdf, f"heard-consultation-answer-{entry.invitation.pk}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def form_choice(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """The IRO chooses a different children's form for this child."""
    require_role(request, Role.IRO, Role.MANAGER)
    child = child_get_for_user(request.user, child_id)
    error = ""
    if request.method == "POST":
        template = child_form_template_get(posted_id(request.POST.get("template")))
        if template is None:
            error = "Choose one of the forms."
        else:
            form_override_set(child=child, template=template, iro=request.user)
            messages.success(request, f"{child.case_reference} will be sent the form “{template.title}”.")
            return redirect("feedback:inbox")
    return render(
        request, "consultations/form_choice.html", {"child": child, "templates": child_form_templates(), "error": error}
    )


@login_required
def preview(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """A manager previews a form version exactly as it will look; nothing can be sent from it."""
    require_role(request, Role.MANAGER, Role.ADMIN)
    version = form_version_get(version_id)
    schema = localise(version.schema, get_language())
    return render(
        request,
        _template_for(version.template.audience),
        {"schema": schema, "questions": _questions(schema, {}, {}), "preview": True, "errors": {}},
    )
