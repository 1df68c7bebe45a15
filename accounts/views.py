"""A child's own data, to read and to download; how Heard uses it; and what staff show children of themselves."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import require_role
from accounts.forms import ProfileForm
from accounts.models import AuthenticatedHttpRequest, Role
from accounts.services import PROFILE_ROLES, user_set_profile
from reporting.subject_access import subject_access_for_child
from reviews.selectors import person_get_for_user


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


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A member of staff writes what the children they work with see of them: first name, a few words, a photo."""
    require_role(request, *PROFILE_ROLES)
    user = request.user
    form = ProfileForm(initial={"first_name": user.first_name, "about_me": user.about_me})
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                user_set_profile(
                    user=user,
                    first_name=form.cleaned_data["first_name"],
                    about_me=form.cleaned_data["about_me"],
                    photo=form.cleaned_data["photo"],
                    remove_photo=form.cleaned_data["remove_photo"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Your profile is saved. This is how children see you.")
                return redirect("accounts:my_profile")
        # Whatever failed, the page shows the person as saved, not half-changed.
        user.refresh_from_db()
    return render(
        request, "accounts/my_profile.html", {"form": form, "person": user}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def person_photo(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponseBase:
    """A member of staff's photo, for those who may see them (reviews/selectors.py: person_get_for_user)."""
    person = person_get_for_user(request.user, person_id)
    if not person.photo:
        raise Http404("No photo.")
    try:
        handle = person.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No photo.") from exc
    response = FileResponse(handle, content_type="image/jpeg")
    # Links carry the file's name (photo_url), so a new photo is a new address and this copy may be kept a while.
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Disposition"] = "inline"
    return response
