"""Seed the safeguarding phrase list the council then maintains in the admin."""

from django.db import migrations

DEFAULT_PHRASES = {
    "self_harm": [
        "hurt myself",
        "hurting myself",
        "harm myself",
        "harming myself",
        "self harm",
        "self-harm",
        "cut myself",
        "cutting myself",
        "kill myself",
        "killing myself",
        "want to die",
        "wanna die",
        "end my life",
        "suicide",
        "suicidal",
        "overdose",
    ],
    "abuse": [
        "hits me",
        "hit me",
        "hurts me",
        "beat me",
        "beats me",
        "kicked me",
        "kicks me",
        "touched me",
        "touches me",
        "abuse",
        "abused",
        "abusing me",
        "threatened me",
        "threatens me",
        "makes me do things",
        "locks me in",
    ],
    "running_away": ["run away", "running away", "ran away", "go missing", "went missing", "sleeping rough"],
    "unsafe": [
        "not safe",
        "don't feel safe",
        "do not feel safe",
        "unsafe",
        "scared to go home",
        "scared at home",
        "afraid to go home",
        "frightened at home",
        "i'm worried",
        "i am worried",
        "im worried",
    ],
}


def add_phrases(apps, schema_editor):
    SafeguardingPhrase = apps.get_model("feedback", "SafeguardingPhrase")
    for kind, phrases in DEFAULT_PHRASES.items():
        for phrase in phrases:
            SafeguardingPhrase.objects.get_or_create(phrase=phrase, defaults={"kind": kind})


def remove_phrases(apps, schema_editor):
    SafeguardingPhrase = apps.get_model("feedback", "SafeguardingPhrase")
    every = [phrase for phrases in DEFAULT_PHRASES.values() for phrase in phrases]
    SafeguardingPhrase.objects.filter(phrase__in=every).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_safeguarding_alerts_and_replies")]

    operations = [migrations.RunPython(add_phrases, remove_phrases)]
