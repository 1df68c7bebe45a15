"""Demo accounts' shared secrets: for a local demo only, never for a real council."""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

STAFF_PASSWORD = "heard-demo-staff"
CHILD_PASSWORD = "heard-demo-child"
# Base32 secret every demo staff account uses for TOTP; add it to an authenticator app, or run
# `python manage.py demo_totp` for the current code.
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def current_totp_code(secret: str = STAFF_TOTP_SECRET) -> str:
    """Return the TOTP code valid now for the demo secret."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
