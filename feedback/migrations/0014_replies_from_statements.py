"""Each reply an IRO wrote on a statement (Statement.reply) becomes the first Reply in its conversation.

Statement.reply, replied_at and replied_by stay as they were: they are now the copy of the latest
IRO reply that the inbox and lists read, so nothing is lost whichever way this runs.
"""

from django.db import migrations

BATCH = 1000


def replies_from_statements(apps, schema_editor):
    Statement = apps.get_model("feedback", "Statement")
    Reply = apps.get_model("feedback", "Reply")
    replied = (
        Statement.objects.exclude(reply="")
        .filter(replies__isnull=True)
        .values_list("pk", "reply", "replied_at", "replied_by_id", "read_by_id", "routed_to_id", "created_at")
        .order_by("pk")
    )
    batch = []
    for pk, text, replied_at, replied_by, read_by, routed_to, created_at in replied.iterator(chunk_size=BATCH):
        author = replied_by or read_by or routed_to
        if author is None:
            continue  # nobody to name as its writer: the words stay on the statement, where they were
        batch.append(
            Reply(statement_id=pk, author_id=author, sender="iro", body=text, created_at=replied_at or created_at)
        )
        if len(batch) >= BATCH:
            Reply.objects.bulk_create(batch)
            batch = []
    Reply.objects.bulk_create(batch)


def leave_statements_as_they_are(apps, schema_editor):
    """Going back: the statements still hold their latest reply; the Reply table goes with 0013."""


class Migration(migrations.Migration):
    dependencies = [("feedback", "0013_replies_conversation")]

    operations = [migrations.RunPython(replies_from_statements, leave_statements_as_they_are)]
