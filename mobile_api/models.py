"""What the API remembers of each Idempotency-Key, so a retry is answered as the first request was."""

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """One create made with an Idempotency-Key: what it made and the status it answered."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # A hash of the method, path and parsed body: the same key with a different request is a conflict.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    # What the create made. Its answer is not kept (it holds a child's words): a retry reads it
    # again through the access checks (mobile_api/apis/idempotency.py).
    object_id = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_one_per_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
