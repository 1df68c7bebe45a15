"""Idempotency-Key for every create: the same key and body get the first answer again; a different body, 409.

Follows the IETF draft "The Idempotency-Key HTTP Header Field". The record is written in the same
transaction as the create, so a crash leaves neither, and a concurrent retry waits on the unique key.
"""

import functools
import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from mobile_api.apis.base import caller
from mobile_api.errors import Conflict
from mobile_api.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def _key(request: Request) -> str:
    key = request.headers.get(HEADER, "")
    if len(key) > 255 or not key.isprintable():
        raise ValidationError({HEADER: "Use a printable key of at most 255 characters, such as a UUID."})
    return key


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotentRequest, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise Conflict(f"The {HEADER} was already used for a different request.")
    return Response(record.response_body, status=record.status_code, headers={REPLAYED: "true"})


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap an API create so it honours Idempotency-Key."""

    @functools.wraps(handler)
    def wrapper(view, request: Request, *args, **kwargs) -> Response:
        key = _key(request)
        if not key:
            return handler(view, request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        earlier = IdempotentRequest.objects.filter(user=caller(request), key=key).first()
        if earlier is not None:
            return _replay(earlier, fingerprint)
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    return response
                IdempotentRequest.objects.create(
                    user=caller(request),
                    key=key,
                    fingerprint=fingerprint,
                    status_code=response.status_code,
                    response_body=response.data,
                )
        except IntegrityError:
            # Another request with this key committed first: answer as it did; ours was undone.
            winner = IdempotentRequest.objects.filter(user=caller(request), key=key).first()
            if winner is None:
                raise
            return _replay(winner, fingerprint)
        return response

    return wrapper
