"""Complaints and representations by or for a looked-after child (Children Act 1989 s.26)."""

from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints and representations"
