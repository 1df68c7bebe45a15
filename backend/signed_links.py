"""Links sent by text or email: signed so they cannot be made up, random so they cannot be guessed.

Only a hash of each token is stored, so the database alone opens nothing. A link carries no
name and nothing about the child. Consultation invitations and after-review feedback requests
both issue and open their links here.
"""

import hashlib
import secrets
from typing import TypeVar

from django.core import signing
from django.db.models import Model, QuerySet

Record = TypeVar("Record", bound=Model)


class LinkProblem(Exception):
    """A link that cannot be used: `reason` is "invalid", "expired" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def token_hash(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_make(kind: str, object_id: int) -> str:
    """Return a new signed token for one object of one kind (the kind is the signing salt)."""
    return signing.dumps({"i": object_id, "n": secrets.token_urlsafe(16)}, salt=f"heard.{kind}", compress=True)


def token_read(kind: str, token: str) -> int | None:
    """Return the object id a token was made for, or None if it is not one of ours."""
    try:
        data = signing.loads(token, salt=f"heard.{kind}")
    except signing.BadSignature:
        return None
    object_id = data.get("i") if isinstance(data, dict) else None
    return object_id if isinstance(object_id, int) else None


def unused_token_hash() -> str:
    """A random stand-in for a record's token hash until it has an id to sign (it opens nothing)."""
    return secrets.token_hex(32)


def link_issue(kind: str, record: Model) -> str:
    """Give a saved record a new token, kept only as its hash (the caller saves it); an earlier link stops working."""
    token = token_make(kind, record.pk)
    record.token_hash = token_hash(token)  # type: ignore[attr-defined]  # each linked model has the field
    return token


def link_open(kind: str, token: str, records: QuerySet[Record]) -> Record:
    """Return the record among `records` a token was issued for, or raise LinkProblem("invalid")."""
    record_id = token_read(kind, token)
    record = records.filter(pk=record_id, token_hash=token_hash(token)).first() if record_id is not None else None
    if record is None:
        raise LinkProblem("invalid")
    return record
