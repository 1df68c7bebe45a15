"""Idempotency-Key for every create: the same key and body get the first answer again; a different body, 409.

Follows the IETF draft "The Idempotency-Key HTTP Header Field". The record is written in the same
transaction as the create, so a crash leaves neither, and a concurrent retry waits on the unique key.

The first answer itself is not kept: it holds a child's words. The record keeps what was made (its
id) and the status; a retry is answered by the view's `replay`, which reads it again through the
same access checks as any read. So a caller who may no longer see it (a re-allocated IRO, a
statement taken back) gets 404, never the words.
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


def _replay(view, request: Request, record: IdempotentRequest, fingerprint: str, *args, **kwargs) -> Response:
    if record.fingerprint != fingerprint:
        raise Conflict(f"The {HEADER} was already used for a different request.")
    response = view.replay(request, record.object_id, record.status_code, *args, **kwargs)
    response[REPLAYED] = "true"
    return response


def _made(response: Response) -> str:
    """The id of what the create made, from its answer ('' when it names none)."""
    made = response.data.get("id", "") if isinstance(response.data, dict) else ""
    return str(made)[:40]


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap an API create so it honours Idempotency-Key; its view answers retries with `replay`."""
    return _honouring_the_key(handler, look_first=True)


def idempotent_by_unique_key(handler: Callable[..., Response]) -> Callable[..., Response]:
    """As `idempotent`, for a create whose own rows carry the key under a unique constraint (statements).

    The record is not looked for first: a retry fails on the unique key as it stores, its
    transaction is undone, and the record (or the view's `made_by_key`) answers it. The first try,
    which is nearly every request, makes one query fewer.
    """
    return _honouring_the_key(handler, look_first=False)


def _honouring_the_key(handler: Callable[..., Response], *, look_first: bool) -> Callable[..., Response]:
    @functools.wraps(handler)
    def wrapper(view, request: Request, *args, **kwargs) -> Response:
        key = _key(request)
        if not key:
            return handler(view, request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        if look_first:
            earlier = IdempotentRequest.objects.filter(user=caller(request), key=key).first()
            if earlier is not None:
                return _replay(view, request, earlier, fingerprint, *args, **kwargs)
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
                    object_id=_made(response),
                )
        except IntegrityError:
            # Another request with this key committed first: answer as it did; ours was undone.
            winner = IdempotentRequest.objects.filter(user=caller(request), key=key).first()
            if winner is not None:
                return _replay(view, request, winner, fingerprint, *args, **kwargs)
            # No record (it is kept 7 days): what the key made, found by the view, answers.
            made = view.made_by_key(request, key) if hasattr(view, "made_by_key") else None
            if made is None:
                raise
            response = view.replay(request, made, 201, *args, **kwargs)
            response[REPLAYED] = "true"
            return response
        return response

    return wrapper
