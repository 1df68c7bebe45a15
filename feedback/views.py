"""Pages for statements: a child writes and sees them read; an IRO reads them in an inbox."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import AuthenticatedHttpRequest, Role
from feedback.forms import OnBehalfStatementForm, StatementForm
from feedback.models import Channel
from feedback.selectors import iro_inbox, statement_get_for_user, statements_visible_to
from feedback.services import IdempotencyConflict, statement_mark_read, statement_submit
from reviews.models import Child
from reviews.selectors import child_get_for_user, children_visible_to, upcoming_review


def _require_role(request: AuthenticatedHttpRequest, *roles: str) -> None:
    # A page for another role is "not found", like a record the user may not see.
    if request.user.role not in roles:
        raise Http404


def _child_of(request: AuthenticatedHttpRequest) -> Child:
    child = children_visible_to(request.user).first()
    if child is None:
        raise Http404("No care record is linked to this account.")
    return child


def _submit_from_form(request: AuthenticatedHttpRequest, form: StatementForm, child: Child) -> bool:
    """Send a valid form's statement through the service; put any refusal on the form."""
    try:
        statement_submit(
            author=request.user,
            child=child,
            category=form.cleaned_data["category"],
            body=form.cleaned_data["body"],
            channel=Channel.WEB,
            consent_given=form.cleaned_data.get("consent_given", False),
            idempotency_key=form.cleaned_data.get("idempotency_key", ""),
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    except IdempotencyConflict:
        form.add_error(None, "This form was already used to send a different message. Please open a new one.")
        return False
    return True


@login_required
def my_statements(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The child's own messages, each with whether their IRO has read it."""
    _require_role(request, Role.CHILD)
    child = _child_of(request)
    return render(
        request,
        "feedback/my_statements.html",
        {
            "child": child,
            "statements": statements_visible_to(request.user),
            "review": upcoming_review(child),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A child writes a message to their IRO."""
    _require_role(request, Role.CHILD)
    child = _child_of(request)
    if request.method == "POST":
        form = StatementForm(request.POST)
        if form.is_valid() and _submit_from_form(request, form, child):
            messages.success(request, "Sent! Your IRO will read your message before your review.")
            return redirect("feedback:my_statements")
    else:
        form = StatementForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "feedback/statement_form.html", {"form": form, "child": child})


@login_required
def advocacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The advocate's children, and the messages they sent for them."""
    _require_role(request, Role.ADVOCATE)
    return render(
        request,
        "feedback/advocacy.html",
        {"children": children_visible_to(request.user), "statements": statements_visible_to(request.user)[:50]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_new_on_behalf(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """An advocate writes a message for a child assigned to them."""
    _require_role(request, Role.ADVOCATE)
    child = child_get_for_user(request.user, child_id)
    if request.method == "POST":
        form = OnBehalfStatementForm(request.POST)
        if form.is_valid() and _submit_from_form(request, form, child):
            messages.success(request, f"Sent for {child.case_reference}.")
            return redirect("feedback:advocacy")
    else:
        form = OnBehalfStatementForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "feedback/statement_form.html", {"form": form, "child": child, "on_behalf": True})


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The IRO's inbox: each child's upcoming review and the messages waiting for it."""
    _require_role(request, Role.IRO, Role.MANAGER)
    return render(request, "feedback/inbox.html", {"groups": iro_inbox(request.user)})


@login_required
def statement_detail(request: AuthenticatedHttpRequest, statement_id: int) -> HttpResponse:
    """One statement, opened by staff; the child's own IRO opening it counts as read."""
    _require_role(request, Role.IRO, Role.MANAGER)
    statement = statement_get_for_user(request.user, statement_id)
    statement = statement_mark_read(statement=statement, reader=request.user)
    return render(request, "feedback/statement_detail.html", {"statement": statement})
