"""Every date field on a staff page carries an ISO date, the only value a browser's date picker keeps."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django import forms
from django.urls import reverse

from feedback import forms as feedback_forms
from reviews import forms as review_forms
from reviews.models import Review
from reviews.services import practice_alert_raise
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")
DATE_INPUT = re.compile(r'<input type="date"[^>]*>')


def date_values(html: str) -> list[str]:
    """The value of each date input on the page ('' where it has none)."""
    inputs = DATE_INPUT.findall(html)
    assert inputs, "the page has no date input"
    return [(re.search(r'value="([^"]*)"', tag) or [None, ""])[1] for tag in inputs]


@time_machine.travel(datetime(2026, 12, 9, 10, tzinfo=LONDON), tick=False)
def test_record_as_held_offers_the_booked_date_in_iso_form(child, iro):
    review = Review.objects.filter(child=child, held_on__isnull=True).get()
    review.scheduled_for = date(2026, 12, 9)
    review.save(update_fields=["scheduled_for"])
    html = client_for(iro).get(reverse("reviews:review_record", args=[review.pk])).content.decode()
    assert date_values(html) == ["2026-12-09"]


@time_machine.travel(datetime(2026, 12, 9, 10, tzinfo=LONDON), tick=False)
def test_allocate_and_practice_alert_stages_offer_today_in_iso_form(child, iro, manager):
    allocate = client_for(manager).get(reverse("reviews:child_allocate", args=[child.pk])).content.decode()
    assert date_values(allocate) == ["2026-12-09", "2026-12-09"]  # the IRO's, and the social worker's or adviser's
    alert = practice_alert_raise(child=child, user=iro, category="drift", description="x", raised_on=date(2026, 12, 1))
    stages = client_for(iro).get(reverse("reviews:practice_alert_detail", args=[alert.pk])).content.decode()
    assert date_values(stages) == ["2026-12-09"]


def test_absences_date_fields_are_iso_date_pickers(manager):
    html = client_for(manager).get(reverse("reviews:absences")).content.decode()
    assert date_values(html) == ["", ""]


def test_every_date_field_in_every_form_uses_the_iso_date_picker():
    date_fields = [
        (form.__name__, name)
        for module in (review_forms, feedback_forms)
        for form in vars(module).values()
        if isinstance(form, type) and issubclass(form, forms.Form)
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField)
    ]
    assert len(date_fields) >= 5
    for form_name, name in date_fields:
        form = getattr(review_forms, form_name, None) or getattr(feedback_forms, form_name)
        widget = form.base_fields[name].widget
        assert isinstance(widget, review_forms.IsoDateInput), (form_name, name)
        assert widget.format_value(date(2026, 12, 9)) == "2026-12-09"
