"""The case-system integration: signed webhooks that tell a council's case record what happened."""

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = "Case-system integration"
