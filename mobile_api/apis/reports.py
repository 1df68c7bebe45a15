"""Reports as JSON: every row with its count, percentage and base. Managers; an IRO their caseload."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mobile_api.apis.base import HeardApi, caller
from reporting.periods import period_from
from reporting.selectors import report_for_user, report_team


class ReportRow(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    group = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    base = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True, help_text="count / base, one decimal place, rounded half up.")
    previous_count = serializers.IntegerField(allow_null=True, help_text="The same for the period before.")
    previous_base = serializers.IntegerField(allow_null=True)
    previous_percent = serializers.FloatField(allow_null=True)
    indicator = serializers.CharField(required=False, help_text="The wellbeing report: the indicator's slug.")
    domain = serializers.CharField(required=False, help_text="The wellbeing report: relationships, rights, ...")
    mean = serializers.FloatField(
        required=False, allow_null=True, help_text="The wellbeing report: the mean 0-10 score, two decimal places."
    )
    previous_mean = serializers.FloatField(required=False, allow_null=True)


class ReportOutput(serializers.Serializer):
    period = serializers.CharField()
    name = serializers.CharField()
    title = serializers.CharField()
    base = serializers.CharField(help_text="What the percentages are of.")
    notes = serializers.ListField(child=serializers.CharField())
    rows = ReportRow(many=True)


class ReportApi(HeardApi):
    """One report for a period (default: this reporting year)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: this reporting year)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, inclusive"),
            OpenApiParameter(
                "team",
                OpenApiTypes.INT,
                description="Managers: only the children whose IRO, on the period's last day, is in this team.",
            ),
        ],
        responses={
            200: ReportOutput,
            400: OpenApiResponse(description="A bad date or team, named in the error (a team: managers only)."),
            404: OpenApiResponse(description="No such report, or not for this account."),
        },
        operation_id="reports_get",
    )
    def get(self, request: Request, name: str) -> Response:
        period = period_from(
            request.query_params.get("from"), request.query_params.get("to"), today=timezone.localdate()
        )
        user = caller(request)
        table = report_for_user(user, name, period, report_team(user, request.query_params.get("team")))
        return Response({"period": period.label, **table.as_dict()})
