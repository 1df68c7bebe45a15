"""Every access log entry says why staff read it: a purpose from a fixed list."""

from django.db import migrations, models

PURPOSES = [
    ("inbox", "Going through their inbox"),
    ("messages", "Looking through messages"),
    ("statement", "Reading a child's message"),
    ("mark_read", "Marking a child's message read"),
    ("reply", "Replying to a child's message"),
    ("alert", "Dealing with a safeguarding alert"),
    ("pack", "Preparing for a review (pre-review pack)"),
    ("consultation", "Filling in a consultation form with the child"),
    ("child_record", "Looking at the children they work with"),
    ("advocacy_request", "Answering a request for an advocate"),
    ("practice_alert", "Raising a practice alert"),
    ("quote_check", "Checking a quote for the Children in Care Council"),
    ("export", "Statutory return to the DfE (SSDA903)"),
    ("subject_access", "Answering a subject access request"),
    ("unrecorded", "Not recorded (logged before Heard kept the reason)"),
]

# Entries from before this migration whose "what" had only one possible purpose. A "statement"
# was logged from the message page, the app's list and the app's inbox alike: it stays unrecorded.
KNOWN_BEFORE = {
    "safeguarding alert": "alert",
    "pre-review pack": "pack",
    "consultation form": "consultation",
    "child record": "child_record",
    "SSDA903 reviews file": "export",
}


def purposes_from_what(apps, schema_editor):
    entries = apps.get_model("accounts", "AccessLogEntry").objects
    for what, purpose in KNOWN_BEFORE.items():
        entries.filter(what=what).update(purpose=purpose)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_access_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="purpose",
            field=models.CharField(choices=PURPOSES, default="unrecorded", max_length=20),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="accesslogentry",
            constraint=models.CheckConstraint(
                condition=models.Q(purpose__in=[value for value, _ in PURPOSES]),
                name="accounts_accesslogentry_purpose_valid",
            ),
        ),
        # Last, after the table's changes: on PostgreSQL an ALTER TABLE after row updates in one
        # transaction can fail on pending trigger events.
        migrations.RunPython(purposes_from_what, migrations.RunPython.noop),
    ]
