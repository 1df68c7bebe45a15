"""The versioned JSON API for the mobile app and integrations."""

from django.apps import AppConfig


class MobileApiConfig(AppConfig):
    name = "mobile_api"
    verbose_name = "Mobile API"

    def ready(self) -> None:
        # Registers the session-token scheme with drf-spectacular, in ready() as its documentation
        # says: the extension imports the authentication class, which needs the app registry.
        from mobile_api import schema  # noqa: F401, PLC0415
