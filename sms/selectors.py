"""SMS reads."""

from django.db.models import Exists

from sms.models import OptOut


def texts_stopped_for(phone: str) -> bool:
    """Return True when this number texted STOP and has not texted START since."""
    return bool(phone) and OptOut.objects.filter(phone=phone).exists()


def texts_stopped_expression(phone: str) -> Exists:
    """texts_stopped_for as an expression, to read it in the same query as something else (the sender's account)."""
    return Exists(OptOut.objects.filter(phone=phone))
