"""Feedback: children's wishes-and-feelings statements and how they reach their IRO."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Wishes and feelings"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from feedback.consumers import close_sockets_on_sign_out

        # Signing out closes that session's live inbox sockets at once: no event reaches a signed-out page.
        user_logged_out.connect(close_sockets_on_sign_out, dispatch_uid="heard-close-inbox-sockets")
