""" "You said, we did": what children said and what the council did, published by the CiCC."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mobile_api.apis.base import IF_NONE_MATCH, NOT_MODIFIED, Cursor, HeardListApi, caller
from reporting.models import YouSaidWeDid
from reporting.selectors import you_said_we_did_visible_to


class YouSaidWeDidOutput(serializers.ModelSerializer):
    theme = serializers.CharField(
        source="about", help_text="What it is about: a theme, or a wellbeing indicator's plain name."
    )

    class Meta:
        model = YouSaidWeDid
        fields = ["id", "theme", "period_start", "period_end", "you_said", "we_did", "published_at"]
        read_only_fields = fields


class PublishedCursor(Cursor):
    ordering = ("-published_at", "-id")


class YouSaidWeDidListApi(HeardListApi):
    """What the Children in Care Council has published, newest first: for children, the CiCC and managers."""

    serializer_class = YouSaidWeDidOutput
    pagination_class = PublishedCursor

    def get_queryset(self):
        return you_said_we_did_visible_to(caller(self.request))

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: YouSaidWeDidOutput(many=True), 304: NOT_MODIFIED})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
