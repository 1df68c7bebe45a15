"""Reviews: children's care records, IRO and advocate allocations, and the review schedule."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Care records and reviews"

    def ready(self) -> None:
        # Django's documented place to connect signals: the middleware module imports models, which
        # exist only once the app registry is ready, so it cannot be imported at the top of apps.py.
        from reviews.middleware import remember_language_at_sign_in  # noqa: PLC0415

        # A child's chosen language goes into their session as they sign in: their pages then cost no query for it.
        user_logged_in.connect(remember_language_at_sign_in, dispatch_uid="heard-child-language-at-sign-in")
