"""Idempotency records keep what a create made, not its answer (which held a child's words)."""

from django.db import migrations, models


def keep_the_id(apps, schema_editor):
    IdempotentRequest = apps.get_model("mobile_api", "IdempotentRequest")
    for record in IdempotentRequest.objects.all().iterator():
        body = record.response_body if isinstance(record.response_body, dict) else {}
        record.object_id = str(body.get("id", ""))[:40]
        record.save(update_fields=["object_id"])


class Migration(migrations.Migration):
    dependencies = [("mobile_api", "0001_idempotent_requests")]

    operations = [
        migrations.AddField(
            model_name="idempotentrequest",
            name="object_id",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.RunPython(keep_the_id, migrations.RunPython.noop),
        # A default first, so that going back can add the column again (the answers stay gone).
        migrations.AlterField(
            model_name="idempotentrequest", name="response_body", field=models.JSONField(default=dict)
        ),
        migrations.RemoveField(model_name="idempotentrequest", name="response_body"),
    ]
