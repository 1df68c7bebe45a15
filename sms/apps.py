"""SMS: the only part of Heard that knows how texts are sent."""

from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "sms"
    verbose_name = "SMS"
