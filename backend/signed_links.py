"""Links sent by text or email: signed so they cannot be made up, random so they cannot be guessed.

Only a hash of each token is stored, so the database alone opens nothing. A link carries no
name and nothing about the child.
"""

import hashlib
import secrets

from django.core import signing


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
