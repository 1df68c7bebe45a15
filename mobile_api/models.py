"""What the API remembers: the first answer to each Idempotency-Key, so a retry gets it again."""

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """One create made with an Idempotency-Key, and the answer it got."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # A hash of the method, path and parsed body: the same key with a different request is a conflict.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_one_per_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
