"""SMS reads."""

from sms.models import OptOut


def texts_stopped_for(phone: str) -> bool:
    """Return True when this number texted STOP and has not texted START since."""
    return bool(phone) and OptOut.objects.filter(phone=phone).exists()
