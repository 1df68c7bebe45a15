"""The OpenAPI description: every operation lists the problem-details errors it can answer with."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from mobile_api.errors import PROBLEM_JSON


class FieldError(serializers.Serializer):
    field = serializers.CharField(help_text="The field, dotted for nested ones; empty for the request as a whole.")
    pointer = serializers.CharField(help_text="A JSON pointer to the field in the request body.")
    detail = serializers.CharField()
    code = serializers.CharField()


class Problem(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(default="about:blank")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="A stable, machine-readable reason, such as invalid or not_found.")
    errors = FieldError(many=True, required=False, help_text="For 400: one entry per bad field.")  # type: ignore[assignment]


_ALWAYS = {
    401: "Not signed in, or the session token has expired or been revoked.",
    403: "Signed in, but this is not something this account may do.",
    429: "Too many requests: wait for the number of seconds in Retry-After.",
}
_WITH_BODY = {
    400: "The body is not valid: each bad field is named in errors.",
    413: "The body is too large.",
    415: "The body is not JSON (send Content-Type: application/json).",
}


class HeardAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the error answers every operation shares."""

    def _error_statuses(self) -> dict[int, str]:
        statuses = dict(_ALWAYS)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.update(_WITH_BODY)
        if any(parameter.get("in") == "query" for parameter in self._get_parameters()):
            statuses[400] = "A query parameter is not valid; it is named in errors."
            statuses[404] = "No such record, or a cursor that is not one Heard gave out."
        if "{" in self.path:
            statuses[404] = "No such record, or not one this account may see."
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, description in self._error_statuses().items():
            code = str(status)
            documented = responses.get(code, {}).get("description") or description
            responses[code] = self._get_response_for_code(
                OpenApiResponse(Problem, description=documented), code, media_types=[PROBLEM_JSON], direction=direction
            )
        for code, response in responses.items():
            if code.startswith(("4", "5")) and "content" not in response:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(Problem, description=response.get("description", "")),
                    code,
                    media_types=[PROBLEM_JSON],
                    direction=direction,
                )
        return dict(sorted(responses.items()))


class SessionTokenScheme(OpenApiAuthenticationExtension):
    """The app's session token from allauth headless (POST /_allauth/app/v1/auth/login)."""

    target_class = "mobile_api.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "The session token from allauth's app sign-in: /_allauth/app/v1/auth/login "
            "(username and password) or /_allauth/app/v1/auth/code/request then /auth/code/confirm (a code by text).",
        }


class IntegrationKeyScheme(OpenApiAuthenticationExtension):
    """The case system's key (manage.py integration_key): reads only, what a manager may read."""

    target_class = "mobile_api.authentication.IntegrationKeyAuthentication"
    name = "integrationKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "The council's case system, fetching what a webhook names: a key made by "
            "`manage.py integration_key` (Authorization: Bearer heard_…). Reads only; any other method is 403.",
        }
