"""Reviews: children's care records, IRO and advocate allocations, and the review schedule."""

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Care records and reviews"
