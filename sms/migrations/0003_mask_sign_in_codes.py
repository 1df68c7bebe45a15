"""Mask the sign-in codes already in the SMS log: in the text, and in the key that named the occasion."""

import re

from django.db import migrations

# As sms.models.CODE_MASK when this was written (a migration keeps its own copy).
CODE_MASK = "••••••"
CODE = re.compile(r"\b\d{6}\b")


def mask_sign_in_codes(apps, schema_editor):
    OutboundMessage = apps.get_model("sms", "OutboundMessage")
    texts = OutboundMessage.objects.filter(purpose="login_code").exclude(idempotency_key__startswith="login:masked-")
    for pk, body in list(texts.values_list("pk", "body")):
        # The old key was "login:<phone>:<code>"; the new ones are "login:<hmac>", so these cannot clash.
        OutboundMessage.objects.filter(pk=pk).update(
            body=CODE.sub(CODE_MASK, body), idempotency_key=f"login:masked-{pk}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sms", "0002_conversation_follow_up"),
    ]

    # Masked codes cannot be brought back, and need not be: going back leaves them masked.
    operations = [migrations.RunPython(mask_sign_in_codes, migrations.RunPython.noop)]
