"""Pages for consultations: answering by link or signed in, on a child's behalf, and the IRO's pack."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import posted_id
from accounts.models import AccessPurpose, AuthenticatedHttpRequest, Role
from accounts.services import access_log_record
from backend.signed_links import LinkProblem
from consultations.models import CHILD_AUDIENCES, EntryMode, FormTemplate, FormTemplateVersion, Invitation
from consultations.schema import MULTI_CHOICE_TYPES, choices_for, localise, max_length_for
from consultations.selectors import (
    consultations_open_for_child,
    invitation_get_for_user,
    review_get_for_pack,
    review_pack,
)
from consultations.services import (
    form_override_set,
    invitation_open,
    response_save_draft,
    response_submit,
)
from reviews.selectors import child_get_for_user


def _answers_from_post(schema: dict, post) -> dict:
    answers = {}
    for question in schema["questions"]:
        name = f"q_{question['id']}"
        answers[question["id"]] = post.getlist(name) if question["type"] in MULTI_CHOICE_TYPES else post.get(name, "")
    return answers


def _questions(schema: dict, answers: dict, errors: dict) -> list[dict]:
    """Questions ready for the template: their choices, current answer and any error."""
    shown = []
    for question in schema["questions"]:
        value = answers.get(question["id"])
        shown.append(
            {
                **question,
                "name": f"q_{question['id']}",
                "choices": choices_for(question),
                "value": value if value is not None else ([] if question["type"] in MULTI_CHOICE_TYPES else ""),
                "error": errors.get(question["id"], ""),
                "max_length": max_length_for(question),
                "multiple": question["type"] in MULTI_CHOICE_TYPES,
                "long": question["type"] in ("long_text", "not_shared"),
            }
        )
    return shown


def _handle_form(
    request: HttpRequest,
    invitation: Invitation,
    *,
    done_url: str,
    entered_by=None,
    on_behalf: bool = False,
) -> HttpResponse:
    """Show the form, save a draft, or send it; the same for every way a form is reached."""
    schema = localise(invitation.version.schema, get_language())
    draft = getattr(invitation, "response", None)
    answers = dict(draft.answers) if draft else {}
    errors: dict[str, str] = {}
    entry_mode: str = EntryMode.OWN_WORDS
    consent = False
    if request.method == "POST":
        answers = _answers_from_post(schema, request.POST)
        if on_behalf:
            entry_mode = request.POST.get("entry_mode", "")
            consent = request.POST.get("consent_given") == "on"
        action = request.POST.get("action", "submit")
        try:
            if action == "save":
                response_save_draft(
                    invitation=invitation,
                    answers=answers,
                    entered_by=entered_by,
                    entry_mode=entry_mode,
                    consent_given=consent,
                )
                if request.headers.get("X-Requested-With") == "fetch":
                    return JsonResponse({"saved": True})
                messages.success(request, _("Saved. You can come back and finish later."))
                return redirect(request.get_full_path())
            response_submit(
                invitation=invitation,
                answers=answers,
                entered_by=entered_by,
                entry_mode=entry_mode,
                consent_given=consent,
            )
            return render(request, "consultations/thanks.html", {"done_url": done_url})
        except ValidationError as exc:
            errors = {key: " ".join(value) for key, value in exc.message_dict.items()}
            if request.headers.get("X-Requested-With") == "fetch":
                return JsonResponse({"saved": False, "errors": errors}, status=400)
    return render(
        request,
        "consultations/form.html",
        {
            "invitation": invitation,
            "schema": schema,
            "questions": _questions(schema, answers, errors),
            "errors": errors,
            "on_behalf": on_behalf,
            "entry_modes": EntryMode.choices,
            "entry_mode": entry_mode,
            "consent": consent,
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def by_link(request: HttpRequest, token: str) -> HttpResponse:
    """A form opened from the link in a text or email; no sign-in needed, one use, expiring."""
    try:
        invitation = invitation_open(token)
    except LinkProblem as problem:
        status = 404 if problem.reason == "invalid" else 410
        return render(request, "consultations/link_problem.html", {"reason": problem.reason}, status=status)
    return _handle_form(request, invitation, done_url="")


@login_required
def my_consultations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The forms waiting for a signed-in child."""
    if request.user.role != Role.CHILD:
        raise Http404
    language = get_language()
    forms = [(i, localise(i.version.schema, language)["title"]) for i in consultations_open_for_child(request.user)]
    return render(request, "consultations/mine.html", {"forms": forms})


@login_required
@require_http_methods(["GET", "POST"])
def my_consultation(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """A signed-in child fills in their form."""
    if request.user.role != Role.CHILD:
        raise Http404
    invitation = invitation_get_for_user(request.user, invitation_id)
    if not consultations_open_for_child(request.user).filter(pk=invitation.pk).exists():
        return render(request, "consultations/link_problem.html", {"reason": "used"}, status=410)
    return _handle_form(request, invitation, done_url="/my/messages/", entered_by=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def on_behalf(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """An advocate or IRO fills in the child's form with them, saying how and with consent."""
    if request.user.role not in (Role.ADVOCATE, Role.IRO):
        raise Http404
    invitation = invitation_get_for_user(request.user, invitation_id)
    if hasattr(invitation, "response") and invitation.response.is_submitted:
        return render(request, "consultations/link_problem.html", {"reason": "used"}, status=410)
    if request.method == "GET":
        # Opening the form shows the child's answers so far; the posts that save or send it
        # carry what the adult just entered with the child, and are not reads.
        access_log_record(
            user=request.user,
            what="consultation form",
            purpose=AccessPurpose.CONSULTATION,
            object_id=invitation.pk,
            child=invitation.review.child,
        )
    return _handle_form(request, invitation, done_url="/", entered_by=request.user, on_behalf=True)


@login_required
def pack(request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
    """The IRO's pre-review pack: every response, every statement since the last review, who is missing."""
    review = review_get_for_pack(request.user, review_id)
    access_log_record(
        user=request.user, what="pre-review pack", purpose=AccessPurpose.PACK, object_id=review.pk, child=review.child
    )
    return render(
        request,
        "consultations/pack.html",
        {"pack": review_pack(review), "lead_days": settings.HEARD_CONSULTATION_LEAD_WORKING_DAYS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def form_choice(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """The IRO chooses a different children's form for this child."""
    if request.user.role not in (Role.IRO, Role.MANAGER):
        raise Http404
    child = child_get_for_user(request.user, child_id)
    templates = FormTemplate.objects.filter(audience__in=CHILD_AUDIENCES).order_by("title")
    error = ""
    if request.method == "POST":
        template = templates.filter(pk=posted_id(request.POST.get("template"))).first()
        if template is None:
            error = "Choose one of the forms."
        else:
            form_override_set(child=child, template=template, iro=request.user)
            messages.success(request, f"{child.case_reference} will be sent the form “{template.title}”.")
            return redirect("feedback:inbox")
    return render(request, "consultations/form_choice.html", {"child": child, "templates": templates, "error": error})


@login_required
def preview(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """A manager previews a form version exactly as it will look; nothing can be sent from it."""
    if request.user.role not in (Role.MANAGER, Role.ADMIN):
        raise Http404
    version = FormTemplateVersion.objects.filter(pk=version_id).select_related("template").first()
    if version is None:
        raise Http404
    schema = localise(version.schema, get_language())
    return render(
        request,
        "consultations/form.html",
        {"schema": schema, "questions": _questions(schema, {}, {}), "preview": True, "errors": {}},
    )
