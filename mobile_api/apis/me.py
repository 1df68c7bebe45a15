"""The signed-in person: who they are, and for a child their picture, next review, IRO and advocates."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import NotifyBy, Role, User
from accounts.services import user_set_notify_by
from feedback.crisis import crisis_categories, crisis_help_data, crisis_help_due
from feedback.models import Category
from mobile_api.apis.base import IF_NONE_MATCH, NOT_MODIFIED, HeardApi, activate_child_language, api_session, caller
from mobile_api.apis.statements import CrisisHelpOutput
from mobile_api.serializers import StrictSerializer
from reporting.subject_access import subject_access_for_child
from reviews.middleware import child_choose_avatar, child_choose_language
from reviews.models import Avatar
from reviews.selectors import advocates_assigned_to, child_of_user, responsible_iro, upcoming_review


class PersonOutput(serializers.Serializer):
    first_name = serializers.CharField(help_text="The name the child knows them by.")
    about_me = serializers.CharField(allow_blank=True, help_text="A few words they wrote for the children.")
    photo_url = serializers.CharField(
        allow_blank=True,
        help_text="Their photo (JPEG, GET /api/v1/people/{id}/photo/): send the same credentials. Empty for none: "
        "show a drawn placeholder.",
    )


class IROContact(PersonOutput):
    name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    how_to_contact = serializers.CharField()


class NextReview(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField(help_text="The day it is booked for, or the last day the law allows.")
    booked = serializers.BooleanField(help_text="Whether a day has been booked.")


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    name = serializers.CharField(help_text="The name Heard shows: a child's chosen name, or a staff member's.")
    notify_by = serializers.ChoiceField(choices=NotifyBy.choices)
    has_phone = serializers.BooleanField()
    preferred_language = serializers.CharField(
        allow_blank=True, help_text="Children: the language Heard speaks to them in; empty follows the phone."
    )
    avatar = serializers.ChoiceField(
        choices=Avatar.choices,
        allow_blank=True,
        help_text="Children: the picture they chose (static/heard/avatars/<avatar>.svg on the web); empty for none.",
    )
    next_review = NextReview(allow_null=True, help_text="Children: their next review.")
    iro = IROContact(allow_null=True, help_text="Children: their IRO (or the IRO covering), and how to reach them.")
    advocates = PersonOutput(many=True, help_text="Children: the advocates working with them now (often none).")
    crisis_help = CrisisHelpOutput(help_text="What a child who is not safe can do right now, to show before they send.")
    crisis_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices),
        help_text="Show crisis_help as soon as the child chooses one of these categories, before they send.",
    )
    crisis_help_now = serializers.BooleanField(
        help_text="Children: an urgent message of theirs waits for someone to take charge of it; "
        "show crisis_help on their home screen until then."
    )


def _person(person: User, request: Request) -> dict:
    photo = ""
    if person.photo_url:  # the API's own address for it, which the app fetches with its session token
        version = person.photo_url.partition("?")[2]
        photo = request.build_absolute_uri(f"{reverse('v1-person-photo', args=[person.pk])}?{version}")
    return {"first_name": person.display_name, "about_me": person.about_me, "photo_url": photo}


def _iro_contact(iro: User | None, request: Request) -> dict | None:
    if iro is None:
        return None
    return {
        **_person(iro, request),
        "name": iro.get_full_name() or iro.username,
        "email": iro.email,
        "how_to_contact": "Send a message in Heard: your IRO reads it before your review. "
        "You can also email them, or ask your carer or social worker to put you in touch.",
    }


def me_data(user: User, request: Request) -> dict:
    """The profile the app shows; a child's includes their picture, next review, IRO and advocates."""
    child = child_of_user(user)
    review = upcoming_review(child) if child else None
    name = (child.known_as if child else "") or user.first_name or user.get_full_name() or user.username
    return {
        "id": user.pk,
        "username": user.username,
        "role": user.role,
        "name": name,
        "notify_by": user.notify_by,
        "has_phone": bool(user.phone),
        "preferred_language": child.preferred_language if child else "",
        "avatar": child.avatar if child else "",
        "next_review": (
            {"id": review.pk, "date": review.date, "booked": review.scheduled_for is not None} if review else None
        ),
        "iro": _iro_contact(responsible_iro(child), request) if child else None,
        "advocates": [_person(advocate, request) for advocate in advocates_assigned_to(child)] if child else [],
        "crisis_help": crisis_help_data(),
        "crisis_categories": crisis_categories(),
        "crisis_help_now": crisis_help_due(child) if child else False,
    }


class MeInput(StrictSerializer):
    notify_by = serializers.ChoiceField(
        choices=NotifyBy.choices,
        required=False,
        help_text="How to hear about replies: by text, by email or in the app only.",
    )

    preferred_language = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text="Children: the language Heard speaks to them in (one of the codes the web offers); "
        "empty to follow the phone. An unknown code is refused with 400.",
    )

    avatar = serializers.ChoiceField(
        choices=Avatar.choices,
        required=False,
        allow_blank=True,
        help_text="Children: the picture that stands for them (one of the values listed); empty for none. "
        "Any other value is refused with 400.",
    )


class MeApi(HeardApi):
    """Who is signed in; a child's next review and IRO; change how to hear about replies."""

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: MeOutput, 304: NOT_MODIFIED}, operation_id="me_get")
    def get(self, request: Request) -> Response:
        return Response(MeOutput(me_data(caller(request), request)).data)

    @extend_schema(request=MeInput, responses={200: MeOutput}, operation_id="me_update")
    def patch(self, request: Request) -> Response:
        data = MeInput(data=request.data)
        data.is_valid(raise_exception=True)
        if "notify_by" in data.validated_data:
            user_set_notify_by(user=caller(request), notify_by=data.validated_data["notify_by"])
        if "preferred_language" in data.validated_data:
            child = child_of_user(caller(request))
            if child is None:
                raise serializers.ValidationError({"preferred_language": "Only a child chooses a language here."})
            child_choose_language(
                child=child, session=api_session(request), language=data.validated_data["preferred_language"]
            )
            # This answer is in the newly chosen language too.
            activate_child_language(request)
        if "avatar" in data.validated_data:
            child = child_of_user(caller(request))
            if child is None:
                raise serializers.ValidationError({"avatar": "Only a child chooses a picture here."})
            child_choose_avatar(child=child, session=api_session(request), avatar=data.validated_data["avatar"])
        return Response(MeOutput(me_data(caller(request), request)).data)


class MyDataApi(HeardApi):
    """A child's copy of everything they have told Heard (subject access), as the web page offers."""

    @extend_schema(
        responses={
            200: OpenApiResponse(description="Messages, forms, feedback, advocacy requests, review summaries."),
            404: OpenApiResponse(description="Not a child's account: there is nothing of theirs to give."),
        },
        operation_id="me_data",
    )
    def get(self, request: Request) -> Response:
        if caller(request).role != Role.CHILD:
            raise NotFound("Only a child's own words are kept here.")
        return Response(subject_access_for_child(caller(request)))
