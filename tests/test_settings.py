"""Settings: embedded defaults with no environment, and production settings that pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

from django.views.debug import technical_500_response

ROOT = Path(__file__).resolve().parent.parent
# Passwords inside connection URLs, for the debug page test (kept away from the code it shows).
PASSWORDS = ("db-s3cret", "redis-s3cret", "broker-s3cret", "replica-s3cret")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("HEARD_", "DATABASE_URL", "REDIS_URL", "TWILIO_"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        HEARD_SECURE="1",
        HEARD_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-for-the-check",
        HEARD_ALLOWED_HOSTS="heard.example.org",
        HEARD_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_default_is_not_in_debug_and_uses_sqlite_and_in_process_parts(tmp_path):
    probe = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.SMS_BACKEND, s.EMAIL_BACKEND)"
    )
    result = _manage("shell", "--no-imports", "-c", probe, HEARD_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "True",
        "sms.transport.ConsoleTransport",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_real_parts_switch_on_from_the_environment(tmp_path):
    probe = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.SMS_BACKEND)"
    )
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        probe,
        HEARD_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://heard@127.0.0.1:5432/heard",
        REDIS_URL="redis://127.0.0.1:6379/0",
        TWILIO_ACCOUNT_SID="AC" + "0" * 32,
        TWILIO_AUTH_TOKEN="token",
        TWILIO_FROM="+447700900000",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "channels_redis.core.RedisChannelLayer",
        "False",
        "sms.transport.TwilioTransport",
    ]


def test_a_sqlite_database_url_is_the_embedded_database_at_that_path(tmp_path):
    probe = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['NAME'], d['OPTIONS'])"
    result = _manage(
        "shell", "--no-imports", "-c", probe, DATABASE_URL=f"sqlite:///{tmp_path}/h.db", HEARD_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{tmp_path}/h.db ")
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout


def test_an_unclear_yes_or_no_refuses_to_start_and_names_the_setting(tmp_path):
    result = _manage("check", HEARD_SECURE="ture", HEARD_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "HEARD_SECURE must be 1, true, yes or on, or 0, false, no or off, not 'ture'" in result.stderr


def test_production_without_its_own_secret_key_refuses_to_start(tmp_path):
    result = _manage("check", HEARD_SECURE="1", HEARD_ALLOWED_HOSTS="heard.example.org", HEARD_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "HEARD_SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_debug_and_production_together_refuse_to_start(tmp_path):
    result = _manage(
        "check", HEARD_SECURE="yes", HEARD_DEBUG="on", HEARD_SECRET_KEY="k" * 60, HEARD_VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "HEARD_DEBUG and HEARD_SECURE are both on" in result.stderr


def _error_page(request) -> str:
    """Django's debug page for an error raised here (its frame holds no password)."""
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        return technical_500_response(request, *sys.exc_info()).content.decode()


def test_the_debug_page_masks_passwords_in_connection_urls(rf, settings):
    settings.DEBUG = True
    settings.DATABASE_URL = f"postgres://heard:{PASSWORDS[0]}@db.internal:5432/heard"
    settings.REDIS_URL = f"redis://:{PASSWORDS[1]}@cache.internal:6379/0"
    settings.CELERY_BROKER_URL = f"redis://worker:{PASSWORDS[2]}@cache.internal:6379/1"
    page = _error_page(rf.get("/boom/", DATABASE_REPLICA_URL=f"postgres://ro:{PASSWORDS[3]}@replica/heard"))
    assert "boom" in page and "db.internal" in page and "replica/heard" in page  # the page is there
    for secret in PASSWORDS:
        assert secret not in page
