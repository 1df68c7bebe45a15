"""Consultations: age-appropriate forms before each review (built in the consultations issue)."""

from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"
