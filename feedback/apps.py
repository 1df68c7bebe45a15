"""Feedback: children's wishes-and-feelings statements and how they reach their IRO."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Wishes and feelings"
