"""The API's JSON parser, with a size limit that answers 413 instead of reading without end."""

import io
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from backend.json_depth import MAX_JSON_DEPTH, json_too_deep
from mobile_api.errors import RequestTooLarge


class LimitedJSONParser(JSONParser):
    """JSON bodies up to HEARD_API_MAX_BODY_BYTES; larger ones are refused before they are parsed."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        limit = settings.HEARD_API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"Please send at most {limit} bytes.")
        # Without a Content-Length (chunked), read one byte past the limit to find out.
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise RequestTooLarge(f"Please send at most {limit} bytes.")
        if json_too_deep(body):
            raise ParseError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep.")
        return super().parse(io.BytesIO(body), media_type, parser_context)
