"""The people who work with a child, as the app shows them: their photo, behind the app's own sign-in."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request

from mobile_api.apis.base import HeardApi, caller
from reviews.selectors import person_get_for_user


class PersonPhotoApi(HeardApi):
    """A member of staff's photo (JPEG) for the child they work with now, or for staff; 404 for anyone else."""

    @extend_schema(
        responses={
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="The photo, at most 400 px a side."),
            404: OpenApiResponse(description="No such person, no photo, or not someone who works with you."),
        },
        operation_id="people_photo",
    )
    def get(self, request: Request, person_id: int) -> FileResponse:
        person = person_get_for_user(caller(request), person_id)
        if not person.photo:
            raise Http404("No photo.")
        try:
            handle = person.photo.open("rb")
        except FileNotFoundError as exc:
            raise Http404("No photo.") from exc
        return FileResponse(handle, content_type="image/jpeg")
