"""Settings: embedded defaults with no environment, and production settings that pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
