"""Reporting: participation, timeliness and feedback figures (built in the reporting issue)."""

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"
