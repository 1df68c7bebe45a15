"""The versioned JSON API for the mobile app and integrations."""

from django.apps import AppConfig


class MobileApiConfig(AppConfig):
    name = "mobile_api"
    verbose_name = "Mobile API"
