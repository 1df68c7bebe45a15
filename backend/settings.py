"""Heard settings: one module, read from the environment, with embedded defaults.

With no environment at all Heard runs on SQLite, an in-memory channel layer, tasks run in
process on commit, and SMS and email printed to the console. Each real part switches itself
on when its setting exists: DATABASE_URL (PostgreSQL), REDIS_URL (channels-redis, Celery,
cache), TWILIO_* (SMS), EMAIL_HOST (SMTP).
"""

import os
import re
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import phonenumbers
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HEARD_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    """Return an environment variable as a string."""
    return os.environ.get(name, default)


_YES, _NO = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def env_bool(name: str, default: bool = False) -> bool:
    """Return an environment variable as a boolean; anything but a clear yes or no refuses to start."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in _YES:
        return True
    if value.strip().lower() in _NO:
        return False
    # "HEARD_SECURE=ture" must not quietly mean off.
    raise ImproperlyConfigured(f"{name} must be 1, true, yes or on, or 0, false, no or off, not {value!r}")


def env_int(name: str, default: int) -> int:
    """Return an environment variable as an integer."""
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated environment variable as a list."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def _embedded_secret_key() -> str:
    # The embedded default keeps a random key in var/ so sessions survive a restart;
    # production always sets HEARD_SECRET_KEY.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("HEARD_DEBUG")
HEARD_SECURE = env_bool("HEARD_SECURE")
if DEBUG and HEARD_SECURE:
    # Debug pages show code, settings and requests: never on a production service.
    raise ImproperlyConfigured("HEARD_DEBUG and HEARD_SECURE are both on: production never runs in debug mode.")
if HEARD_SECURE and not env_str("HEARD_SECRET_KEY"):
    raise ImproperlyConfigured("HEARD_SECURE is on but HEARD_SECRET_KEY is not set: production needs its own key.")
SECRET_KEY = env_str("HEARD_SECRET_KEY") or _embedded_secret_key()
# Debug pages hide settings and environment variables whose names match: the database, Redis and
# broker URLs carry passwords too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "backend.debug.HeardExceptionReporterFilter"
ALLOWED_HOSTS = env_list("HEARD_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("HEARD_CSRF_TRUSTED_ORIGINS")
# The public address of this service, used in links sent by SMS and email.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
LA_NAME = env_str("HEARD_LA_NAME", "Heard demo council")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.headless",
    "allauth.usersessions",
    "csp",
    "accounts",
    "reviews",
    "feedback",
    "consultations",
    "sms",
    "reporting",
    "mobile_api",
    "integrations",
    "complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "backend.middleware.PrivateByDefaultMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reviews.middleware.ChildLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "backend.middleware.SignInJsonDepthMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "backend.middleware.DatabaseDownMiddleware",
]

# The benchmarks serve backend.urls plus a bare baseline view (bench/urls.py).
ROOT_URLCONF = env_str("HEARD_ROOT_URLCONF", "backend.urls")
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backend.context_processors.heard",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL")
# Under ASGI each request may run in a thread of its own, so persistent connections pile up until
# PostgreSQL refuses more (the benchmark saw "too many clients"); Django's docs say to pool instead.
# Each process keeps a psycopg pool of at most this many connections; a request waits up to the
# timeout for one (then 503). 0 turns pooling off and keeps each thread's connection instead.
DB_POOL_SIZE = env_int("HEARD_DB_POOL_SIZE", 8)
DB_POOL_TIMEOUT = env_int("HEARD_DB_POOL_TIMEOUT", 10)


def _postgres(url: str) -> dict[str, Any]:
    if not DB_POOL_SIZE:
        persistent = env_int("HEARD_DB_CONN_MAX_AGE", 60)
        return dict(dj_database_url.parse(url, conn_max_age=persistent, conn_health_checks=True))
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True))
    database["OPTIONS"] = {
        **database.get("OPTIONS", {}),
        "pool": {"min_size": 1, "max_size": DB_POOL_SIZE, "timeout": DB_POOL_TIMEOUT},
    }
    return database


def sqlite_database(path: Path | str) -> dict[str, Any]:
    """Return the embedded database's settings: a SQLite file that takes writers one at a time."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 20,
            # A transaction that began as a reader cannot become a writer while another writes,
            # however long it waits ("database is locked"): take the write lock at BEGIN instead,
            # so two requests writing at once queue rather than fail (Django's documented setting).
            "transaction_mode": "IMMEDIATE",
            # Readers do not wait for a writer, and a commit costs one sync of the log.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


if DATABASE_URL.startswith("sqlite:"):
    DATABASES = {"default": sqlite_database(dj_database_url.parse(DATABASE_URL)["NAME"])}
elif DATABASE_URL:
    DATABASES = {"default": _postgres(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(VAR_DIR / "heard.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A PostgreSQL read replica for reports (backend/db_router.py); tests read it through the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _postgres(DATABASE_REPLICA_URL)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Only with a replica: Django asks every router on each query and each related object it follows.
DATABASE_ROUTERS = ["backend.db_router.ReplicaRouter"] if DATABASE_REPLICA_URL else []

# Redis: the channel layer, Celery's broker and the cache, when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "backend.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "heard",
            # Give up on an unreachable Redis in half a second, so a request is not held up by it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a Redis broker in production; without one, tasks run in process (eagerly).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL) or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing a task waits at most about a second for the broker; if it is down, the work is picked
# up later from the database (feedback.notifications.notifications_catch_up, sms_pending_requeue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
# The periodic jobs (Celery beat and manage.py heard_scheduler alike) are listed in backend/schedule.py.

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: staff sign in by email and password (then TOTP); children by username or
# phone number, with a password or a one-time code sent by SMS. Accounts are made by the
# council, never by open sign-up.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"request_login_code": "accounts.forms.RequestLoginCodeForm"}
ACCOUNT_LOGIN_METHODS = {"email", "username", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "phone", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60
# Six digits: easy to type from a text, and phones offer to fill them in. Three tries, 5 minutes.
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-in is rate limited (allauth, on the shared cache): per address, and per account or phone
# number, so a password cannot be guessed and a phone cannot be flooded with codes (which cost money).
# Failed sign-ins ("key") count against the account however its login is typed (accounts/adapter.py).
ACCOUNT_RATE_LIMITS = {
    # Per address: raise it where many children share one (a school or a children's home network).
    "login": env_str("HEARD_SIGN_IN_RATE_PER_ADDRESS", "30/m/ip"),
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "10/m/ip,3/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
# allauth.usersessions: each person can see where they are signed in and sign out elsewhere.
# Sessions are recorded at sign-in; tracking every request's activity would cost a write per request.
USERSESSIONS_TRACK_ACTIVITY = False
# Sessions in the database, read from the cache (no query a request once cached): backend/sessions.py.
SESSION_ENGINE = "backend.sessions"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# Staff may sign in with the council's own accounts through OpenID Connect (Microsoft Entra ID is
# the documented example: README, "Staff sign-in with the council's accounts"). Only existing staff
# accounts are matched, by an email the provider vouches for or in the council's own domains; no
# account is ever made this way, children never use it, and Heard's TOTP is still asked for after.
HEARD_OIDC_SERVER_URL = env_str("HEARD_OIDC_SERVER_URL")
HEARD_OIDC_CLIENT_ID = env_str("HEARD_OIDC_CLIENT_ID")
HEARD_OIDC_EMAIL_DOMAINS = [domain.lower() for domain in env_list("HEARD_OIDC_EMAIL_DOMAINS")]
SOCIALACCOUNT_ADAPTER = "accounts.oidc.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env_str("HEARD_OIDC_PROVIDER_ID", "council"),
                "name": env_str("HEARD_OIDC_NAME", "Microsoft 365"),
                "client_id": HEARD_OIDC_CLIENT_ID,
                "secret": env_str("HEARD_OIDC_CLIENT_SECRET"),
                "settings": {"server_url": HEARD_OIDC_SERVER_URL, "fetch_userinfo": False},
            }
        ]
        if HEARD_OIDC_SERVER_URL and HEARD_OIDC_CLIENT_ID
        else [],
    }
}
SOCIALACCOUNT_STORE_TOKENS = False  # Heard calls nothing on the provider's side after sign-in
SOCIALACCOUNT_LOGIN_ON_GET = False  # the button posts (with CSRF), so no link can start a sign-in
MFA_TOTP_ISSUER = env_str("HEARD_MFA_ISSUER", "Heard")
HEADLESS_CLIENTS = ("app",)
HEADLESS_SERVE_SPECIFICATION = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mobile_api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "mobile_api.authentication.IntegrationKeyAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "mobile_api.throttling.PerUserThrottle",
        "mobile_api.throttling.PerAddressThrottle",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "mobile_api.permissions.StaffHaveMFA",
        "mobile_api.permissions.CaseSystemReadsOnly",
    ],
    "DEFAULT_SCHEMA_CLASS": "mobile_api.schema.HeardAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mobile_api.parsers.LimitedJSONParser"],
    "EXCEPTION_HANDLER": "mobile_api.errors.exception_handler",
    # How many proxies (load balancers) put an address in X-Forwarded-For: 0 trusts none of it.
    "NUM_PROXIES": env_int("HEARD_NUM_PROXIES", 0),
}
# allauth reads the client's address from X-Forwarded-For the same way, so that behind a load
# balancer its per-address sign-in limits (and the sessions list) see the child, not the balancer.
ALLAUTH_TRUSTED_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"]
# Per signed-in user and per client address; DRF's rate syntax (number/second|minute|hour|day).
HEARD_API_THROTTLE_RATES = {
    "user": env_str("HEARD_API_RATE_PER_USER", "120/minute"),
    "address": env_str("HEARD_API_RATE_PER_ADDRESS", "600/minute"),
}
CSRF_FAILURE_VIEW = "backend.views.csrf_failure"
HEARD_API_MAX_BODY_BYTES = env_int("HEARD_API_MAX_BODY_BYTES", 256 * 1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "Heard API",
    "DESCRIPTION": (
        "The child's voice in every looked-after review: the mobile and integration API.\n\n"
        "Sign in with allauth's app API (/_allauth/app/v1/auth/login, or /auth/code/request and /auth/code/confirm "
        "for a code by text; its own specification is at /_allauth/openapi.html) and send the session token in "
        "X-Session-Token. List and end sessions at /_allauth/app/v1/auth/sessions.\n\n"
        "Every create takes an Idempotency-Key. Lists are pages with stable cursors (next, previous). "
        "Resources an app polls carry an ETag; send it back in If-None-Match for a 304. "
        "Errors are RFC 9457 problem details (application/problem+json) with each bad field named in errors."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v[0-9]+",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # The API docs page loads Swagger UI from this server, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "feedback.models.Rating",
        "CategoryEnum": "feedback.models.Category",
        "RecipientEnum": "feedback.models.Recipient",
        "RecipientChoiceEnum": "mobile_api.apis.statements.RECIPIENT_CHOICES",
        "AssistedHowEnum": "feedback.models.AssistedHow",
        "ChannelEnum": "feedback.models.Channel",
        "ComplaintChannelEnum": "complaints.models.ComplaintChannel",
        "ComplaintOutcomeEnum": "complaints.models.Outcome",
        "KindEnum": "complaints.models.Kind",
        "IroActivityKindEnum": "reviews.models.IroActivityKind",
    },
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# SMS: console by default; Twilio when its credentials are set.
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM = env_str("TWILIO_FROM")
SMS_BACKEND = env_str("HEARD_SMS_BACKEND") or (
    "sms.transport.TwilioTransport"
    if TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_FROM
    else "sms.transport.ConsoleTransport"
)
# Limits so a loop or an attacker cannot run up a bill or flood an IRO (per hour).
SMS_OUTBOUND_PER_NUMBER_PER_HOUR = env_int("HEARD_SMS_OUTBOUND_PER_NUMBER_PER_HOUR", 20)
SMS_OUTBOUND_PER_HOUR = env_int("HEARD_SMS_OUTBOUND_PER_HOUR", 2000)
SMS_INBOUND_PER_NUMBER_PER_HOUR = env_int("HEARD_SMS_INBOUND_PER_NUMBER_PER_HOUR", 30)
# An SMS conversation left this long without a reply starts afresh.
SMS_CONVERSATION_IDLE_MINUTES = env_int("HEARD_SMS_CONVERSATION_IDLE_MINUTES", 30)
# A phone number people can ring to reach the IRO service, given in HELP replies; with none, the
# reply says "your social worker" in the child's language (sms/inbound.py).
HEARD_IRO_SERVICE_PHONE = env_str("HEARD_IRO_SERVICE_PHONE")

# Email: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif env_str("HEARD_EMAIL_FILE_PATH"):
    # Each email written to a file in this folder (the reliability runs count them).
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("HEARD_EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "heard@localhost")

# Security: production (HEARD_SECURE=1, read above) is HTTPS-only and passes `check --deploy`.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): only Heard's own files run; no inline script, no third party.
# data: images are the QR code allauth shows when staff set up their authenticator app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if HEARD_SECURE:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HEARD_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HEARD_HSTS_PRELOAD")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "en-gb"
# Child-facing text is translated (locale/); README.md, "Languages", says which still need a native speaker's review.
LANGUAGES = [
    ("en-gb", "English"),
    ("pl", "Polski"),
    ("cy", "Cymraeg"),
    ("ar", "العربية"),
    ("ps", "پښتو"),
    ("ti", "ትግርኛ"),
    ("uk", "Українська"),
]
# The right-to-left languages among them: Django's own list lacks Pashto.
LANGUAGES_BIDI = ["ar", "ps"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production runs collectstatic; the embedded default serves straight from the apps.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if HEARD_SECURE
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not HEARD_SECURE
if not HEARD_SECURE:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Statutory and council settings (see reviews/statutory.py for the rules they feed).
# Retention, in days (backend/retention.py says why). The council sets its own periods.
HEARD_RETENTION_DAYS = {
    "childrens_words": env_int("HEARD_RETAIN_CHILDRENS_WORDS_DAYS", 6 * 365),
    "words_after_leaving_care": env_int("HEARD_RETAIN_WORDS_AFTER_LEAVING_CARE_DAYS", 365),
    "text_messages": env_int("HEARD_RETAIN_TEXT_MESSAGES_DAYS", 90),
    "idempotency_keys": env_int("HEARD_RETAIN_IDEMPOTENCY_KEYS_DAYS", 7),
    "access_log": env_int("HEARD_RETAIN_ACCESS_LOG_DAYS", 7 * 365),
    "exports": env_int("HEARD_RETAIN_EXPORTS_DAYS", 30),
}
# How long a notice may be on its way before the catch-up sends it from the database.
HEARD_CATCH_UP_AFTER_SECONDS = env_int("HEARD_CATCH_UP_AFTER_SECONDS", 120)

# Webhooks to the council's case system (integrations/): how long to wait for the receiver, and
# whether a plain-http address is allowed (only for demos and tests: payloads link to records).
HEARD_WEBHOOK_TIMEOUT_SECONDS = env_int("HEARD_WEBHOOK_TIMEOUT_SECONDS", 10)
HEARD_WEBHOOKS_ALLOW_HTTP = env_bool("HEARD_WEBHOOKS_ALLOW_HTTP", DEBUG)
# Files exported on the server (SSDA903 and the like) are written here and removed after retention.
HEARD_EXPORTS_DIR = Path(os.environ.get("HEARD_EXPORTS_DIR", VAR_DIR / "exports"))
# The daily feed (reporting/care_records_import.py): the folder the case system drops its CSV files in each
# night; when set, the hourly job imports them once each time they change. Blank: no periodic import.
HEARD_CARE_RECORDS_FOLDER = env_str("HEARD_CARE_RECORDS_FOLDER", "")
# Staff photos (accounts/photos.py): kept outside static and media URLs, served only through a view that checks
# who is asking (accounts/views.py: person_photo).
HEARD_PHOTOS_DIR = Path(os.environ.get("HEARD_PHOTOS_DIR", VAR_DIR / "photos"))
HEARD_STATEMENT_MAX_LENGTH = env_int("HEARD_STATEMENT_MAX_LENGTH", 5000)
# Working days before a review that consultation invitations go out (the council's setting).
HEARD_CONSULTATION_LEAD_WORKING_DAYS = env_int("HEARD_CONSULTATION_LEAD_WORKING_DAYS", 10)
# The council's working hours, for the safeguarding escalation clock.
HEARD_WORKING_HOURS = tuple(env_str("HEARD_WORKING_HOURS", "09:00-17:00").split("-", 1))
# Working hours an urgent statement may wait unacknowledged before it escalates.
HEARD_ALERT_ESCALATE_AFTER_HOURS = float(env_str("HEARD_ALERT_ESCALATE_AFTER_HOURS", "2"))


def env_text_number(name: str) -> str:
    """Return a phone number to send texts to, in E.164 (national numbers read as UK ones), or refuse to start."""
    value = env_str(name).strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as exc:
        raise ImproperlyConfigured(f"{name}: {value!r} is not a phone number") from exc
    if not phonenumbers.is_possible_number(number):
        raise ImproperlyConfigured(f"{name}: {value!r} is not a whole phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# The council's emergency duty team (EDT), on duty out of hours: an urgent alert raised outside working
# hours or on a bank holiday goes at once to its shared inbox and phone (a link to sign in, never a name
# or words). A number that cannot be texted stops Heard starting, rather than failing one night.
HEARD_EDT_EMAIL = env_str("HEARD_EDT_EMAIL").strip()
if HEARD_EDT_EMAIL and "@" not in HEARD_EDT_EMAIL:
    raise ImproperlyConfigured(f"HEARD_EDT_EMAIL: {HEARD_EDT_EMAIL!r} is not an email address")
HEARD_EDT_PHONE = env_text_number("HEARD_EDT_PHONE")


# Digits, with the spaces, dashes and brackets people write numbers with, and a leading + for abroad.
_DIALLABLE = re.compile(r"\+?[0-9][0-9 ()-]*")


def env_phone_number(name: str, value: str) -> str:
    """Return a phone number as people write it, or refuse to start if it could not be dialled."""
    value = value.strip()
    if value and (not _DIALLABLE.fullmatch(value) or sum(c.isdigit() for c in value) < 3):
        raise ImproperlyConfigured(f"{name}: {value!r} is not a phone number a child could tap to call")
    return value


def env_phone_numbers(name: str) -> list[tuple[str, str]]:
    """Return an environment variable "Label=number;Label=number" as (label, number) pairs."""
    pairs = []
    for entry in filter(None, (part.strip() for part in env_str(name).split(";"))):
        label, _, number = (part.strip() for part in entry.rpartition("="))
        if not label or not number:
            raise ImproperlyConfigured(f'{name} must be "Label=number;Label=number", not {entry!r}')
        pairs.append((label, env_phone_number(name, number)))
    return pairs


# What a child who says they are not safe is shown (to tap and call) and texted, after 999 and
# Childline (feedback/crisis.py): the council's out-of-hours social work line, its other numbers
# and any words of its own. A number that cannot be dialled stops Heard starting, not a child later.
HEARD_CRISIS_OUT_OF_HOURS_PHONE = env_phone_number(
    "HEARD_CRISIS_OUT_OF_HOURS_PHONE", env_str("HEARD_CRISIS_OUT_OF_HOURS_PHONE")
)
HEARD_CRISIS_PHONE_NUMBERS = env_phone_numbers("HEARD_CRISIS_PHONE_NUMBERS")
HEARD_CRISIS_ADVICE = env_str("HEARD_CRISIS_ADVICE").strip()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HEARD_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
