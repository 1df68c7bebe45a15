"""Feedback: children's wishes-and-feelings statements and how they reach their IRO."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Wishes and feelings"

    def ready(self) -> None:
        # Django's documented place to connect signals: the consumers module imports models, which
        # exist only once the app registry is ready, so it cannot be imported at the top of apps.py.
        from feedback.consumers import close_sockets_on_sign_out  # noqa: PLC0415

        # Signing out closes that session's live inbox sockets at once: no event reaches a signed-out page.
        user_logged_out.connect(close_sockets_on_sign_out, dispatch_uid="heard-close-inbox-sockets")
