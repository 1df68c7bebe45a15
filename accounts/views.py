"""A child's own data: everything they have told Heard, to read and to download; and how Heard uses it."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import require_role
from accounts.models import AuthenticatedHttpRequest, Role
from reporting.subject_access import subject_access_for_child


@login_required
@require_GET
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the child has told Heard, on one page."""
    require_role(request, Role.CHILD)
    return render(request, "accounts/my_data.html", {"data": subject_access_for_child(request.user)})


@login_required
@require_GET
def my_data_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same, as a file to keep."""
    require_role(request, Role.CHILD)
    body = json.dumps(subject_access_for_child(request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"heard-my-words-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """How Heard uses what children tell it, in words a child can follow (ICO Children's code, standard 4)."""
    return render(request, "accounts/privacy.html")
