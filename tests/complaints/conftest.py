"""Complaints tests: a moment on a given London day, and a complaint made as the child makes one."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from tests.conftest import app_token

LONDON = ZoneInfo("Europe/London")


def on(day: date, hour: int = 10) -> time_machine.travel:
    """Travel to that day's morning in London (the pinned clock's tests move only where they say)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON))


def app_client(username: str) -> Client:
    """A client signed in as the app signs in (call it on the day it is used: app sessions expire)."""
    return Client(headers={"X-Session-Token": app_token(username)})
