# A review with invitations cannot be deleted: its invitations and their answers would go with it.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_forms_invitations_responses"),
    ]

    operations = [
        migrations.AlterField(
            model_name="invitation",
            name="review",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="invitations", to="reviews.review"
            ),
        ),
    ]
