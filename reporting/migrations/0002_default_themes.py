"""The starting list of themes; councils add their own in the admin."""

from django.db import migrations

THEMES = [
    ("reviews-and-meetings", "Reviews and meetings"),
    ("feeling-safe", "Feeling safe"),
    ("emotional-wellbeing", "Emotional wellbeing"),
    ("good-news", "Good news"),
    ("where-i-live", "Where I live"),
    ("family-time", "Family time"),
    ("education", "Education"),
    ("health", "Health"),
    ("social-worker", "Contact with my social worker"),
    ("friends", "Friends"),
    ("money-and-independence", "Money and independence"),
    ("other", "Other"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("reporting", "Theme")
    for slug, name in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})


def remove_themes(apps, schema_editor):
    apps.get_model("reporting", "Theme").objects.filter(slug__in=[slug for slug, _ in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_themes_quotes_responses")]

    operations = [migrations.RunPython(add_themes, remove_themes)]
