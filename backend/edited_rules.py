"""Rules admins edit and every child's message reads (safeguarding phrases, themes), kept in each process.

Reading them from the database for every message cost a query or two each, and they change only
when an admin edits them. Each process keeps its copy and, at most once a second, compares the
edition in the cache, which every committed edit renews (the editing process forgets its own copy
at once). With the cache unreachable there is no edition to compare, so a process reads the
database again, at most once a second.
"""

import math
import secrets
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

EDITION_KEY = "heard.edited-rules.edition"
CHECK_EVERY_SECONDS = 1.0

Rules = TypeVar("Rules")
_copies: list["EditedRules"] = []


def _edition() -> str | None:
    edition = cache.get(EDITION_KEY)
    if edition is None:  # first use, or the cache was emptied: start an edition
        cache.add(EDITION_KEY, secrets.token_hex(8), None)
        edition = cache.get(EDITION_KEY)
    return edition


def _new_edition() -> None:
    cache.set(EDITION_KEY, secrets.token_hex(8), None)
    forget_all()


def rules_edited(**kwargs: object) -> None:
    """Signal receiver: a rule was saved or deleted; this process reloads now, every other within a second of commit."""
    forget_all()
    transaction.on_commit(_new_edition)


def forget_all() -> None:
    """Drop this process's copies (the next read loads them again)."""
    for copy in _copies:
        copy.forget()


class EditedRules(Generic[Rules]):
    """One process's copy of some rules, loaded by `load` and reloaded after an edit to any of `models`."""

    def __init__(self, load: Callable[[], Rules], *, models: tuple[type[Model], ...]) -> None:
        self._load = load
        self._value: Rules | None = None
        self._edition: str | None = None
        self._checked = -math.inf
        _copies.append(self)
        for model in models:
            uid = f"heard-edited-rules-{model._meta.label}"
            post_save.connect(rules_edited, sender=model, dispatch_uid=uid)
            post_delete.connect(rules_edited, sender=model, dispatch_uid=uid)

    def get(self) -> Rules:
        """Return the rules, from this process's copy while it is the current edition."""
        now = time.monotonic()
        if self._value is not None and now - self._checked < CHECK_EVERY_SECONDS:
            return self._value
        edition = _edition()
        if self._value is None or edition is None or edition != self._edition:
            self._value, self._edition = self._load(), edition
        self._checked = now
        return self._value

    def forget(self) -> None:
        self._value = None
