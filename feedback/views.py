"""Pages for statements: a child writes and sees them read; an IRO reads them in an inbox."""

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.models import INBOX_ROLES, AccessLogEntry, AccessPurpose, AuthenticatedHttpRequest, Role
from accounts.services import access_log_record, access_log_record_many, user_set_notify_by
from backend.pdf import PdfUnavailable, pdf_attachment, pdf_unavailable
from backend.signed_links import LinkProblem
from consultations.pictures import pictures_chosen
from consultations.selectors import packs_needing_attention
from feedback.alerts import alert_acknowledge, alert_close, alert_hand_over, alert_record_action
from feedback.crisis import crisis_help_due
from feedback.forms import (
    AlertCloseForm,
    AlertNoteForm,
    AssistedSessionForm,
    AvatarForm,
    ChildReplyForm,
    LanguageForm,
    NotifyPreferenceForm,
    OnBehalfStatementForm,
    ReplyForm,
    ServiceFeedbackForm,
    StatementForm,
    StatementWithdrawForm,
)
from feedback.inbox_filters import InboxFilter, inbox_after, inbox_cursor, inbox_filter_from
from feedback.models import Category, Channel, Respondent, SafeguardingAlert, Statement
from feedback.receipts import replies_mark_read, statement_acknowledge, statement_mark_read
from feedback.recipients import readers_offered
from feedback.selectors import (
    alert_get_for_user,
    alert_page,
    feedback_request_open_for_child,
    inbox_position,
    inbox_read,
    open_alerts_for,
    replies_on,
    statement_get_for_user,
    statement_theme_slugs,
    statements_visible_to,
)
from feedback.service_feedback import feedback_give, feedback_request_open
from feedback.services import (
    AssistedSession,
    IdempotencyConflict,
    reply_post,
    statement_reply,
    statement_submit,
    statement_withdraw,
)
from reporting.casefile import statement_pdf
from reporting.selectors import themes
from reporting.services import statement_tag
from reviews.middleware import child_choose_avatar, child_choose_language
from reviews.models import Child
from reviews.selectors import (
    child_get_for_user,
    child_of_user,
    children_visible_to,
    language_for,
    upcoming_review,
)
from sms.selectors import texts_stopped_for


def _child_of(request: AuthenticatedHttpRequest) -> Child:
    """Return the signed-in child's own record; a child's account with none has no pages of its own (404)."""
    child = child_of_user(request.user)
    if child is None:
        raise Http404("No care record is linked to this account.")
    return child


def _submit_from_form(request: AuthenticatedHttpRequest, form: StatementForm, child: Child) -> Statement | None:
    """Send a valid form's statement through the service; put any refusal on the form."""
    try:
        statement, _ = statement_submit(
            author=request.user,
            child=child,
            category=form.cleaned_data["category"],
            body=form.cleaned_data["body"],
            channel=Channel.WEB,
            consent_given=form.cleaned_data.get("consent_given", False),
            idempotency_key=form.cleaned_data.get("idempotency_key", ""),
            quote_consent=form.cleaned_data.get("quote_consent", False),
            feeling=form.cleaned_data.get("feeling"),
            recipients=form.chosen_recipients,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    except IdempotencyConflict:
        form.add_error(None, "This form was already used to send a different message. Please open a new one.")
        return None
    return statement


# The tag on the message that confirms an urgent message: the page it lands on shows the crisis help.
CRISIS_TAG = "crisis"
# Children on one page of the inbox: a caseload of 60 in two pages, each quick to read and scan.
INBOX_PAGE_CHILDREN = 30
INBOX_REVIEW_CHOICES = [(7, "Within a week"), (14, "Within 2 weeks"), (28, "Within 4 weeks"), (56, "Within 8 weeks")]


def _tell_child_what_happens_next(request: AuthenticatedHttpRequest, statement: Statement) -> None:
    if statement.is_urgent:
        who = statement.routed_to.display_name if statement.routed_to else _("Someone from the IRO service")
        messages.warning(
            request,
            _("Thank you for telling us. %(who)s will be in touch with you soon.") % {"who": who},
            extra_tags=CRISIS_TAG,
        )
    elif statement.for_iro:
        messages.success(request, _("Sent! Your IRO will read your message before your review."))
    else:
        messages.success(request, _("Sent! The people you chose will read your message."))


@login_required
def my_statements(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The child's home: their own messages, each with whether their IRO has read it.

    After an urgent message, and for as long as nobody has taken charge of its alert, the crisis
    help comes first.
    """
    require_role(request, Role.CHILD)
    child = _child_of(request)
    # The messages stay for the page to show: reading them here does not use them up.
    just_told_us = any(CRISIS_TAG in message.tags.split() for message in messages.get_messages(request))
    return render(
        request,
        "feedback/my_statements.html",
        {
            "child": child,
            "statements": statements_visible_to(request.user),
            "review": upcoming_review(child),
            "show_crisis_help": just_told_us or crisis_help_due(child),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A child writes a message to their IRO."""
    require_role(request, Role.CHILD)
    child = _child_of(request)
    if request.method == "POST":
        # The choice of readers is checked only where the page offered it: a child with only an IRO
        # sends to them, without the queries that find who else works with the child.
        readers = readers_offered(child) if request.POST.get("recipients_offered") else []
        form = StatementForm(request.POST, readers=readers)
        statement = _submit_from_form(request, form, child) if form.is_valid() else None
        if statement is not None:
            _tell_child_what_happens_next(request, statement)
            if request.headers.get("X-Requested-With") == "fetch":
                # The web app posted it (static/heard/app.js): it goes to the same page itself.
                return JsonResponse({"next": reverse("feedback:my_statements")})
            return redirect("feedback:my_statements")
    else:
        form = StatementForm(initial={"idempotency_key": uuid.uuid4().hex}, readers=readers_offered(child))
    # Who may read it, each as a person: name, photo, a few words (templates/includes/person_card.html).
    readers = form.readers or readers_offered(child)
    context = {
        "form": form,
        "child": child,
        "outbox_text": _outbox_text(),
        "iro": readers[0].person,
        "readers": readers,
    }
    return render(request, "feedback/statement_form.html", context)


def _outbox_text() -> dict[str, str]:
    """What the web app says about messages kept on the phone (static/heard/app.js), in the child's language."""
    return {
        "waiting_one": _("No signal: your message is saved on this phone. It will be sent when you are back online."),
        "waiting_many": _(
            "No signal: %s messages are saved on this phone. They will be sent when you are back online."
        ),
        "waiting_crisis": _(
            "No signal: your message is saved on this phone and will be sent when you are back online. "
            "If you are not safe right now, don't wait: call one of the numbers below."
        ),
        "sent": _("Your message was sent to your IRO."),
        "problem": _("A message saved on this phone could not be sent:"),
        "incomplete": _("Choose what it is about and write your message first."),
        "sign_out": _("A message is still waiting to be sent. If you sign out now it will be deleted from this phone."),
    }


@login_required
@require_http_methods(["GET", "POST"])
def statement_withdraw_view(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """A child takes back a message their IRO has not read yet, after saying they are sure.

    Only the confirm button's post deletes: opening the page asks first, and a post without it (an
    old page's one-step form) is sent to ask first too.
    """
    require_role(request, Role.CHILD)
    statement = statement_get_for_user(request.user, statement_id)
    if request.method == "POST":
        if not StatementWithdrawForm(request.POST).is_valid():
            return redirect("feedback:statement_withdraw", statement_id=statement.pk)
        try:
            statement_withdraw(statement=statement, child_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your message was taken back and deleted. Your IRO won't see it."))
        return redirect("feedback:my_statements")
    return render(request, "feedback/statement_withdraw_confirm.html", {"statement": statement})


@login_required
@require_http_methods(["GET", "POST"])
def my_statement(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """A child's message as a conversation with their IRO: each reply in order, who read what, a reply box.

    Opening it marks the IRO's replies read (their IRO then sees "Read"). A reply that cannot be
    sent shows the page again with why, keeping the words.
    """
    require_role(request, Role.CHILD)
    child = _child_of(request)
    statement = statement_get_for_user(request.user, statement_id)
    form = ChildReplyForm(initial={"idempotency_key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        form = ChildReplyForm(request.POST)
        if form.is_valid():
            try:
                reply, _created = reply_post(
                    statement=statement,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    idempotency_key=form.cleaned_data.get("idempotency_key", ""),
                )
            except ValidationError as exc:
                form.add_error("body", exc.messages)
            except IdempotencyConflict:
                form.add_error(None, _("This reply box was already used to send different words. Please try again."))
            else:
                if reply.is_urgent:
                    messages.warning(
                        request,
                        _("Thank you for telling us. Someone will be in touch with you soon."),
                        extra_tags=CRISIS_TAG,
                    )
                else:
                    messages.success(request, _("Your reply was sent."))
                return redirect("feedback:my_statement", statement_id=statement.pk)
        status = 400
    else:
        replies_mark_read(statement=statement, reader=request.user)
    just_told_us = any(CRISIS_TAG in message.tags.split() for message in messages.get_messages(request))
    return render(
        request,
        "feedback/my_statement.html",
        {
            "statement": statement,
            "replies": replies_on(statement),
            "form": form,
            "show_crisis_help": just_told_us or crisis_help_due(child),
        },
        status=status,
    )


@login_required
def advocacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The advocate's children, and the messages they sent for them."""
    require_role(request, Role.ADVOCATE)
    statements = list(statements_visible_to(request.user)[:50])
    access_log_record_many(
        user=request.user,
        what="statement",
        purpose=AccessPurpose.MESSAGES,
        records=[(statement.pk, statement.child) for statement in statements],
    )
    return render(
        request,
        "feedback/advocacy.html",
        {"children": children_visible_to(request.user), "statements": statements},
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_new_on_behalf(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """An advocate writes a message for a child assigned to them."""
    require_role(request, Role.ADVOCATE)
    child = child_get_for_user(request.user, child_id)
    if request.method == "POST":
        form = OnBehalfStatementForm(request.POST)
        statement = _submit_from_form(request, form, child) if form.is_valid() else None
        if statement is not None:
            if statement.is_urgent:
                messages.warning(request, f"Sent for {child.case_reference} and raised as urgent with their IRO.")
            else:
                messages.success(request, f"Sent for {child.case_reference}.")
            return redirect("feedback:advocacy")
    else:
        form = OnBehalfStatementForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "feedback/statement_form.html", {"form": form, "child": child, "on_behalf": True})


@login_required
@require_http_methods(["GET", "POST"])
def assisted_session(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """A worker who sat with a child records the child's views as the child's own message, marked as assisted.

    For under-8s and children with additional needs: the child's IRO, social worker or advocate
    writes down the words, faces and pictures the child chose, how they gave them, and that the
    child agreed; the child chooses who reads it as on their own page.
    """
    require_role(request, Role.IRO, Role.SOCIAL_WORKER, Role.ADVOCATE)
    child = child_get_for_user(request.user, child_id)
    readers = readers_offered(child)
    if request.method == "POST":
        form = AssistedSessionForm(request.POST, readers=readers)
        statement = _assisted_submit(request, form, child) if form.is_valid() else None
        if statement is not None:
            messages.success(request, f"Saved as {child.case_reference}'s own message, recorded with you.")
            if request.user.role == Role.ADVOCATE:
                return redirect("feedback:advocacy")
            return redirect("feedback:statement_detail", statement_id=statement.pk)
    else:
        form = AssistedSessionForm(initial={"idempotency_key": uuid.uuid4().hex}, readers=readers)
    return render(request, "feedback/assisted_session.html", {"form": form, "child": child}, status=200)


def _assisted_submit(request: AuthenticatedHttpRequest, form: AssistedSessionForm, child: Child) -> Statement | None:
    """Send a valid session form through the statement service; put any refusal on the form."""
    data = form.cleaned_data
    session = AssistedSession(how=data["assisted_how"], note=data["assisted_note"], pictures=data["pictures"])
    try:
        statement, _ = statement_submit(
            author=request.user,
            child=child,
            category=data["category"],
            body=data["body"],
            channel=Channel.WEB,
            consent_given=data["consent_given"],
            idempotency_key=data.get("idempotency_key", ""),
            feeling=data.get("feeling"),
            recipients=form.chosen_recipients,
            assisted=session,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return None
    except IdempotencyConflict:
        form.add_error(None, "This form was already used to send a different message. Please open a new one.")
        return None
    return statement


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The IRO's inbox: open alerts first, then each child's upcoming review and its messages.

    Filters and search narrow it (feedback.inbox_filters, the same as the API's); a page holds
    INBOX_PAGE_CHILDREN children, and each message shows the start of its words, so the page's
    reads are logged, once each, as the API's are.
    """
    require_role(request, *INBOX_ROLES)
    errors: dict[str, list[str]] = {}
    try:
        filters, after = inbox_filter_from(request.GET), inbox_after(request.GET)
    except ValidationError as exc:
        # A filter Heard cannot use is said beside the form; the whole inbox is shown under it.
        errors, filters, after = exc.message_dict, InboxFilter(), None
    first_page = after is None
    inbox = inbox_read(request.user, after=after, limit=INBOX_PAGE_CHILDREN + 1, filters=filters, alerts=first_page)
    groups, more = inbox.groups[:INBOX_PAGE_CHILDREN], len(inbox.groups) > INBOX_PAGE_CHILDREN
    shown = [(statement.pk, group.child) for group in groups for statement in group.statements]
    access_log_record_many(user=request.user, what="statement", purpose=AccessPurpose.INBOX, records=shown)
    following = None
    if more:
        following = "?" + urlencode({**filters.query(), "cursor": inbox_cursor(inbox_position(groups[-1]))})
    return render(
        request,
        "feedback/inbox.html",
        {
            "alerts": inbox.alerts,
            "packs": packs_needing_attention(request.user) if first_page else [],
            "groups": groups,
            "filters": filters,
            "filter_errors": errors,
            "categories": Category.choices,
            "review_choices": INBOX_REVIEW_CHOICES,
            "without_child": urlencode({k: v for k, v in filters.query().items() if k != "child"}),
            "following": following,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def statement_detail(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """One statement, opened by staff; the child's IRO opening it counts as read, and may reply."""
    require_role(request, *INBOX_ROLES)
    statement = statement_get_for_user(request.user, statement_id)
    statement = statement_mark_read(statement=statement, reader=request.user)
    replies_mark_read(statement=statement, reader=request.user)
    return _statement_page(request, statement, ReplyForm())


def _statement_page(
    request: AuthenticatedHttpRequest, statement: Statement, form: ReplyForm, status: int = 200
) -> HttpResponse:
    """Show the statement, its reply form and its themes.

    The read is logged where the page shows the words: a post that acts and goes back to the page
    leaves the logging to that page.
    """
    access_log_record(
        user=request.user,
        what="statement",
        purpose=AccessPurpose.STATEMENT,
        object_id=statement.pk,
        child=statement.child,
    )
    return render(
        request,
        "feedback/statement_detail.html",
        {
            "statement": statement,
            "replies": replies_on(statement),
            "form": form,
            "themes": themes(),
            "tagged": statement_theme_slugs(statement),
            "texts_stopped": statement.child.user is not None and texts_stopped_for(statement.child.user.phone),
            "pictures": pictures_chosen(statement.pictures),
        },
        status=status,
    )


def _statement_download(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """The statement and its conversation as a PDF for the case file; a staff download is logged as an export."""
    statement = statement_get_for_user(request.user, statement_id)
    try:
        pdf = statement_pdf(statement, reader=request.user)
    except PdfUnavailable as problem:
        return pdf_unavailable(problem)
    access_log_record(
        user=request.user,
        what="statement pdf",
        purpose=AccessPurpose.STATEMENT,
        object_id=statement.pk,
        child=statement.child,
        action=AccessLogEntry.Action.EXPORT,
    )
    return pdf_attachment(pdf, f"heard-statement-{statement.pk}.pdf")


@login_required
@require_GET
def statement_detail_pdf(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """Staff who may read a statement (those the child sent it to, a manager, the advocate who wrote it) download it."""
    require_role(request, *INBOX_ROLES, Role.ADVOCATE)
    return _statement_download(request, statement_id)


@login_required
@require_GET
def my_statement_pdf(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """A child downloads their own message and its conversation."""
    require_role(request, Role.CHILD)
    return _statement_download(request, statement_id)


@login_required
@require_POST
def statement_reply_view(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """The child's IRO replies to a statement; a reply that cannot be sent shows the page again with why."""
    require_role(request, *INBOX_ROLES)
    statement = statement_get_for_user(request.user, statement_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            statement_reply(statement=statement, iro=request.user, text=form.cleaned_data["reply"])
        except ValidationError as exc:
            form.add_error("reply", exc.messages)
        else:
            messages.success(request, "Reply sent to the child.")
            return redirect("feedback:statement_detail", statement_id=statement.pk)
    return _statement_page(request, statement, form, status=400)


@login_required
@require_POST
def statement_acknowledge_view(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """The child's IRO records that they have taken a statement in, without replying."""
    require_role(request, *INBOX_ROLES)
    statement = statement_get_for_user(request.user, statement_id)
    statement_acknowledge(statement=statement, iro=request.user)
    messages.success(request, "Acknowledged.")
    return redirect("feedback:statement_detail", statement_id=statement.pk)


@login_required
@require_POST
def statement_tag_view(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """The child's IRO tags a statement with the council's themes."""
    require_role(request, Role.IRO, Role.MANAGER)
    statement = statement_get_for_user(request.user, statement_id)
    try:
        statement_tag(statement=statement, iro=request.user, slugs=request.POST.getlist("themes"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Themes saved.")
    return redirect("feedback:statement_detail", statement_id=statement.pk)


# Staff who act on safeguarding alerts; the emergency duty team only on those passed to it out of hours.
_ALERT_ROLES = (Role.IRO, Role.MANAGER, Role.EDT, Role.SOCIAL_WORKER)


def _alerts_home(request: AuthenticatedHttpRequest) -> str:
    return reverse("feedback:alert_list" if request.user.role == Role.EDT else "feedback:inbox")


@login_required
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The open safeguarding alerts this person may act on: the emergency duty team's page out of hours."""
    require_role(request, *_ALERT_ROLES)
    return render(request, "feedback/alert_list.html", {"alerts": open_alerts_for(request.user)})


@login_required
@require_GET
def alert_detail(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """A safeguarding alert: the child and whom to call, their words, every step so far, and acting on it.

    The buttons acknowledge it, record an action, hand it over (the emergency duty team) or close it,
    each posting to its own view.
    """
    require_role(request, *_ALERT_ROLES)
    return _alert_page(request, alert_get_for_user(request.user, alert_id))


def _alert_page(
    request: AuthenticatedHttpRequest,
    alert: SafeguardingAlert,
    *,
    close_form: AlertCloseForm | None = None,
    action_form: AlertNoteForm | None = None,
    handover_form: AlertNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Show the alert with its forms, any one of them as posted with its errors.

    The read is logged where the page shows the words, not by the posts that act and move on.
    """
    access_log_record(
        user=request.user, what="safeguarding alert", purpose=AccessPurpose.ALERT, object_id=alert.pk, child=alert.child
    )
    return render(
        request,
        "feedback/alert_detail.html",
        {
            "page": alert_page(alert),
            "form": close_form if close_form is not None else AlertCloseForm(),
            "action_form": action_form if action_form is not None else AlertNoteForm(prefix="action"),
            "handover_form": handover_form if handover_form is not None else AlertNoteForm(prefix="handover"),
            "back": _alerts_home(request),
            "taken": alert.edt_acknowledged_at if request.user.role == Role.EDT else alert.acknowledged_at,
        },
        status=status,
    )


@login_required
@require_POST
def alert_acknowledge_view(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Take charge of an alert: it stops escalating (the emergency duty team's is recorded, the clock runs on)."""
    require_role(request, *_ALERT_ROLES)
    alert = alert_get_for_user(request.user, alert_id)
    alert_acknowledge(alert=alert, user=request.user)
    messages.success(request, "You have taken charge of this alert.")
    return redirect("feedback:alert_detail", alert_id=alert.pk)


def _alert_step(
    request: AuthenticatedHttpRequest,
    alert_id: int,
    form: forms.Form,
    act: Callable[[SafeguardingAlert, dict], object],
    done: str,
    then: str,
    form_name: str,
) -> HttpResponse:
    """Take one step on an alert from its form; with errors, show the alert as it is now with the form."""
    require_role(request, *_ALERT_ROLES)
    alert = alert_get_for_user(request.user, alert_id)
    if form.is_valid():
        try:
            act(alert, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, done)
            return redirect(then)
    alert.refresh_from_db()  # someone else may have acted on it meanwhile: show it as it is now
    shown: dict[str, Any] = {form_name: form}
    return _alert_page(request, alert, status=400, **shown)


@login_required
@require_POST
def alert_record_action_view(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Put an action taken on the alert's timeline, leaving it open."""
    return _alert_step(
        request,
        alert_id,
        AlertNoteForm(request.POST, prefix="action"),
        lambda alert, data: alert_record_action(alert=alert, user=request.user, note=data["note"]),
        "Action recorded on the alert.",
        reverse("feedback:alert_detail", args=[alert_id]),
        "action_form",
    )


@login_required
@require_POST
def alert_hand_over_view(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """The emergency duty team hands an alert over to the child's IRO and social worker for the morning."""
    return _alert_step(
        request,
        alert_id,
        AlertNoteForm(request.POST, prefix="handover"),
        lambda alert, data: alert_hand_over(alert=alert, user=request.user, note=data["note"]),
        "Handed over: the child's IRO and the duty manager have been told.",
        reverse("feedback:alert_list"),
        "handover_form",
    )


@login_required
@require_POST
def alert_close_view(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    """Close an alert with the action taken; without one it stays open and the page says so."""
    return _alert_step(
        request,
        alert_id,
        AlertCloseForm(request.POST),
        lambda alert, data: alert_close(alert=alert, user=request.user, action_taken=data["action_taken"]),
        "Alert closed with the action recorded.",
        _alerts_home(request),
        "close_form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A child chooses their picture, how they hear that their IRO read or answered them, and Heard's language."""
    require_role(request, Role.CHILD)
    child = _child_of(request)
    form = NotifyPreferenceForm(initial={"notify_by": request.user.notify_by})
    language_form = LanguageForm(initial={"preferred_language": child.preferred_language})
    avatar_form = AvatarForm(initial={"avatar": child.avatar})
    if request.method == "POST":
        form = NotifyPreferenceForm(request.POST)
        # An older copy of the page may post no language or picture: that keeps the one on record.
        language_form = LanguageForm(request.POST if "preferred_language" in request.POST else None)
        avatar_form = AvatarForm(request.POST if "avatar" in request.POST else None)
        extras_valid = all(not extra.is_bound or extra.is_valid() for extra in (language_form, avatar_form))
        if form.is_valid() and extras_valid:
            try:
                user_set_notify_by(user=request.user, notify_by=form.cleaned_data["notify_by"])
                if avatar_form.is_bound:
                    child_choose_avatar(child=child, session=request.session, avatar=avatar_form.cleaned_data["avatar"])
                if language_form.is_bound:
                    child_choose_language(
                        child=child,
                        session=request.session,
                        language=language_form.cleaned_data["preferred_language"],
                    )
            except ValidationError as exc:
                by_field = {"preferred_language": language_form, "avatar": avatar_form}
                for field, errors in exc.message_dict.items():
                    by_field.get(field, form).add_error(field, errors)
            else:
                messages.success(request, _("Saved."))
                return redirect("feedback:my_statements")
    context = {
        "form": form,
        "language_form": language_form,
        "avatar_form": avatar_form,
        "has_phone": bool(request.user.phone),
    }
    refused = language_form.errors or avatar_form.errors
    return render(request, "feedback/my_preferences.html", context, status=400 if refused else 200)


def _service_feedback_form(request: HttpRequest, feedback_request, channel: str, done: str) -> HttpResponse:
    form = ServiceFeedbackForm()
    if request.method == "POST":
        form = ServiceFeedbackForm(request.POST)
        if form.is_valid():
            feedback_give(request=feedback_request, channel=channel, **form.cleaned_data)
            crisis = feedback_request.respondent == Respondent.CHILD and crisis_help_due(feedback_request.review.child)
            context = {"done": done, "show_crisis_help": crisis}
            return render(request, "feedback/service_feedback_thanks.html", context)
    return render(request, "feedback/service_feedback.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def service_feedback_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """Three questions after a review, from the link in a text or email: no sign-in, one use."""
    try:
        feedback_request = feedback_request_open(token)
    except LinkProblem as problem:
        status = 404 if problem.reason == "invalid" else 410
        return render(request, "consultations/link_problem.html", {"reason": problem.reason}, status=status)
    child = feedback_request.review.child
    if feedback_request.respondent == Respondent.CHILD and child.preferred_language:
        # The child's own link opens in the language of the text that carried it: their record's.
        with translation.override(language_for(child)):
            return _service_feedback_form(request, feedback_request, Channel.WEB, done="")
    return _service_feedback_form(request, feedback_request, Channel.WEB, done="")


@login_required
@require_http_methods(["GET", "POST"])
def my_review_feedback(request: AuthenticatedHttpRequest, review_id: int) -> HttpResponse:
    """A signed-in child says how their review went."""
    require_role(request, Role.CHILD)
    feedback_request = feedback_request_open_for_child(request.user, review_id)
    if feedback_request is None:
        raise Http404
    return _service_feedback_form(request, feedback_request, Channel.WEB, done="/my/reviews/")
