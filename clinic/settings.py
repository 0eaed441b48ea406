"""Stride's one settings module: everything comes from the environment, with safe defaults.

No variable set ⇒ the embedded default: SQLite, Celery's filesystem transport, console
email and SMS, so `make run` works on a bare machine. `DATABASE_URL` and
`CELERY_BROKER_URL`/`REDIS_URL` switch to PostgreSQL and Redis. `DJANGO_ENV=production`
refuses to start with an insecure setting (see `_refuse_insecure_production`).
"""

import math
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote_plus

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("STRIDE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
if not PRODUCTION:
    # A developer's convenience only: production takes its secrets from the process
    # environment (compose's env_file, the orchestrator), never from a file in /app, which
    # an image build could have baked in.
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_INSECURE_KEY = "django-insecure-stride-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin, behind the staff sign-in, two-factor and the audit trail (dashboard/admin_site.py).
    "dashboard.admin_site.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "clinic",
    "clinic.messaging",
    "intake",
    "referrals",
    "dashboard",
    "oauth2_provider",
    "fhir_api",
]

MIDDLEWARE = [
    # Patient data is never cached: no-store on every dynamic answer (clinic/middleware.py).
    "clinic.middleware.NoStoreMiddleware",
    # The container's probe: before the host check and HTTPS redirect (docker-compose.yml).
    "clinic.middleware.HealthCheckMiddleware",
    "clinic.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The patient's language: the switch's cookie, else Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    # Staff pages and the admin stay in English whatever the browser asks.
    "clinic.middleware.StaffEnglishMiddleware",
    # A patient's own link, with no choice made in this browser: the patient's stored language.
    "intake.middleware.PatientLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions: 30 minutes idle, 12 hours in all (SESSION_IDLE_TIMEOUT, SESSION_COOKIE_AGE).
    "dashboard.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic.middleware.DatabaseUnavailableMiddleware",
    # A service's refusal (bad or expired link, ...) leaving an HTML view: one page for all.
    "clinic.middleware.ApplicationErrorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes goes last so it sees the outcome of authentication (its documented placement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
            # Locale filters (zone_label, local_date, distances, spelled) in every template.
            "builtins": ["clinic.templatetags.locale_format"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'stride.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite waits for a writer instead of failing at once when worker and web overlap.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock at BEGIN: a deferred transaction that reads, then writes, fails at
    # once with "database is locked" when the worker's two beat scans overlap.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "clinic.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="stride"),
            # Cache calls take well under a millisecond on the clinic's network; 30 ms without
            # an answer means Redis is stopped or frozen, and clinic/cache.py fails over to
            # process memory for a few seconds (a false alarm only makes limits per-process).
            "OPTIONS": {"socket_timeout": 0.03, "socket_connect_timeout": 0.03},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"

# One setting for the clinic's conventions (docs/locale.md): date and time formats, distance
# units, the advice sheet's paper size and spelling, from clinic/formats/<locale>/formats.py.
CLINIC_LOCALES = ("en-GB", "en-US")
CLINIC_LOCALE = env.str("CLINIC_LOCALE", default="en-GB")
if CLINIC_LOCALE not in CLINIC_LOCALES:
    raise ImproperlyConfigured(f"CLINIC_LOCALE must be one of {', '.join(CLINIC_LOCALES)}")
LANGUAGE_CODE = CLINIC_LOCALE.lower()
FORMAT_MODULE_PATH = ["clinic.formats"]
# Patients' languages (docs/languages.md): the browser's Accept-Language picks one, the switch
# on every patient page overrides it, and the patient's stored `language` is used for all
# sent later. A new language is a locale/<code>/ catalogue and a line here, not a code change.
# English is activated as the clinic's own variant, LANGUAGE_CODE ("en-gb"/"en-us": its formats
# and "am"/"pm"; clinic/languages.py and clinic.middleware.StaffEnglishMiddleware).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the switch's choice, remembered for a year
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"  # the switch (intake.views.language_switch) sets it too
TIME_ZONE = env.str("CLINIC_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Requests bigger than this are refused with 413 before anything parses them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
REQUEST_MAX_BYTES = 64 * 1024

# --- The clinic -------------------------------------------------------------------------
CLINIC_NAME = env.str("CLINIC_NAME", default="Stride Sports Medicine Clinic")
CLINIC_PHONE = env.str("CLINIC_PHONE", default="+1 555 010 0199")
EMERGENCY_NUMBER = env.str("EMERGENCY_NUMBER", default="911")
CLINIC_ADDRESS = env.str("CLINIC_ADDRESS", default="12 Riverside Way, Springfield")
# The map link beside the address after booking: by default a search for the address.
CLINIC_MAP_URL = env.str(
    "CLINIC_MAP_URL",
    default="https://www.openstreetmap.org/search?query=" + quote_plus(CLINIC_ADDRESS),
)
CLINIC_STAFF_ALERT_EMAIL = env.str("CLINIC_STAFF_ALERT_EMAIL", default="triage@clinic.example")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_PHONE_REGION = env.str("DEFAULT_PHONE_REGION", default="US")
# Urgent cases (clinical spec, sections 2 and 7): the number patients are told to call in an
# emergency, who is told when an urgent alert waits unacknowledged, and the clinic's hours
# (when it calls back), as "Mon-Fri 08:00-18:00, Sat 09:00-12:00" in the clinic's zone.
CLINIC_ONCALL_EMAIL = env.str("CLINIC_ONCALL_EMAIL", default="")
CLINIC_ONCALL_PHONE = env.str("CLINIC_ONCALL_PHONE", default="")
CLINIC_HOURS = env.str("CLINIC_HOURS", default="Mon-Fri 08:00-18:00, Sat 09:00-12:00")
URGENT_ALERT_ESCALATE_AFTER = timedelta(minutes=15)
URGENT_ALERT_MAX_ESCALATIONS = 4

# Signed patient links: how long a link to one's own intake stays valid.
PATIENT_LINK_MAX_AGE = timedelta(days=env.int("PATIENT_LINK_MAX_AGE_DAYS", default=90))
# The one-week follow-up; a demo may shorten it (FOLLOW_UP_DELAY_MINUTES).
FOLLOW_UP_DELAY = timedelta(minutes=env.int("FOLLOW_UP_DELAY_MINUTES", default=7 * 24 * 60))
# No answer this long after the question ⇒ one reminder; this long after the reminder ⇒ expired.
FOLLOW_UP_REMINDER_AFTER = timedelta(
    minutes=env.int("FOLLOW_UP_REMINDER_MINUTES", default=3 * 24 * 60)
)
FOLLOW_UP_EXPIRE_AFTER = timedelta(minutes=env.int("FOLLOW_UP_EXPIRE_MINUTES", default=4 * 24 * 60))
FOLLOW_UP_LINK_MAX_AGE = timedelta(days=env.int("FOLLOW_UP_LINK_MAX_AGE_DAYS", default=30))

# --- Booking ----------------------------------------------------------------------------
SLOT_LENGTH_MINUTES = env.int("SLOT_LENGTH_MINUTES", default=30)
BOOKING_MIN_NOTICE = timedelta(hours=env.int("BOOKING_MIN_NOTICE_HOURS", default=2))
BOOKING_HORIZON_DAYS = env.int("BOOKING_HORIZON_DAYS", default=28)
# Open (future, booked) appointments allowed per contact (phone or email, across intakes) and
# per client address, for patients' own bookings (referrals/verification.py).
BOOKING_MAX_OPEN_PER_CONTACT = env.int("BOOKING_MAX_OPEN_PER_CONTACT", default=2)
BOOKING_MAX_OPEN_PER_ADDRESS = env.int("BOOKING_MAX_OPEN_PER_ADDRESS", default=4)

# --- Messaging --------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Stride <no-reply@clinic.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("SMS_BACKEND", default="clinic.messaging.sms.ConsoleSmsBackend")
# Backends that deliver nothing to a patient: production refuses them.
_DEVELOPMENT_SMS_BACKENDS = {
    "clinic.messaging.sms.ConsoleSmsBackend",
    "clinic.messaging.sms.RecordingSmsBackend",
    "clinic.messaging.sms.FileSmsBackend",
}
SMS_FROM = env.str("SMS_FROM", default="+15550100199")
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
QUIET_HOURS_START = 20  # no unprompted message from 20:00 …
QUIET_HOURS_END = 9  # … until 09:00, in the patient's own time zone
# Provider errors: retried with exponential backoff and jitter (capped at a few minutes; the
# database keeps the schedule), then failed for good after this many attempts.
MESSAGE_MAX_ATTEMPTS = env.int("MESSAGE_MAX_ATTEMPTS", default=5)
MESSAGE_RETRY_BASE_SECONDS = env.int("MESSAGE_RETRY_BASE_SECONDS", default=30)
MESSAGE_RETRY_MAX_SECONDS = env.int("MESSAGE_RETRY_MAX_SECONDS", default=300)
# A message left "sending" this long belongs to a worker that died: it goes back to the queue.
MESSAGE_SENDING_STALE = timedelta(seconds=env.int("MESSAGE_SENDING_STALE_SECONDS", default=300))
# The send-due scan publishes a queued, due message again if its last publish is this old.
MESSAGE_REENQUEUE_AFTER = timedelta(seconds=env.int("MESSAGE_REENQUEUE_SECONDS", default=120))
# Anyone can enter any number or address: no recipient gets more than this many messages
# in 24 hours, whatever the purpose, nor more than this many texts about booking changes.
MESSAGE_DAILY_CAP = env.int("MESSAGE_DAILY_CAP", default=8)
MESSAGE_BOOKING_TEXTS_PER_DAY = env.int("MESSAGE_BOOKING_TEXTS_PER_DAY", default=2)
MESSAGE_OPT_OUT_LINK_MAX_AGE = timedelta(days=env.int("OPT_OUT_LINK_MAX_AGE_DAYS", default=730))
# FileSmsBackend (integration tests, demos): where each text is written as a JSON line.
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
SMS_FILE_LATENCY_MS = env.int("SMS_FILE_LATENCY_MS", default=0)

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    # Short socket timeouts: a request never waits long on a stopped or frozen broker;
    # the beat scans find whatever could not be enqueued.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": 2,
        "socket_connect_timeout": 1,
        "visibility_timeout": 3600,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# Results are not used by Stride itself; only the benchmark's round-trip yardstick asks.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# WeasyPrint keeps ~50 KB of native memory per PDF (bench/advice_bench.py): recycle worker
# processes now and then so a long-lived worker does not grow without bound.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=1000)
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The database is the schedule: beat only wakes the scans up (never an ETA of days).
CELERY_BEAT_SCHEDULE: dict = {
    "followups-send-due": {
        "task": "intake.followups_send_due",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    "messages-send-due": {
        "task": "messaging.messages_send_due",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
}
# Urgent alerts nobody acknowledged: escalated to on-call from this scan, never an ETA.
CELERY_BEAT_SCHEDULE["urgent-alerts-escalate"] = {
    "task": "dashboard.alerts_escalate_due",
    "schedule": timedelta(minutes=1),
    "options": {"expires": 55},
}
# The triage quality summary: recount the intakes written since the last drain, so the page
# (which also drains before it reads) seldom has work to do.
CELERY_BEAT_SCHEDULE["quality-summary-drain"] = {
    "task": "dashboard.quality_summary_drain",
    "schedule": timedelta(minutes=1),
    "options": {"expires": 55},
}
# Booking: roll the slot horizon forward (idempotent), and the day-before reminder scan.
CELERY_BEAT_SCHEDULE["referrals-slots-regenerate"] = {
    "task": "referrals.slots_regenerate",
    "schedule": timedelta(hours=1),
}
CELERY_BEAT_SCHEDULE["referrals-appointment-reminders"] = {
    "task": "referrals.appointment_reminders_send",
    "schedule": timedelta(minutes=5),
}
# A render task lost with the broker: the sheet is rendered anyway (it is also rendered on
# request), but a beat scan keeps the first download fast.
CELERY_BEAT_SCHEDULE["advice-sheets-render-missing"] = {
    "task": "intake.advice_sheets_render_missing",
    "schedule": timedelta(minutes=10),
}

# --- FHIR R4 (fhir_api/, docs/fhir.md) --------------------------------------------------
# Clients of the clinic's systems read by OAuth2 client credentials (POST /o/token/); each
# client's scopes are its FhirClient row (fhir_api/scopes.py).
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "fhir_api.scopes.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("FHIR_ACCESS_TOKEN_SECONDS", default=3600),
    # The OAuth 2.0 Security BCP (RFC 9700) throughout: tokens stored hashed, never taken
    # from a query string; the grants and methods it retires are off (only client
    # credentials is used, but nothing else should be possible).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# Named here because a FhirClient row points at it (the toolkit's model, not swapped).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# A search page: _count's default, and the most a client may ask for.
FHIR_PAGE_SIZE = env.int("FHIR_PAGE_SIZE", default=50)
FHIR_MAX_PAGE_SIZE = 1000
# Bulk export files are removed this long after the export finished.
FHIR_EXPORT_TTL_HOURS = env.int("FHIR_EXPORT_TTL_HOURS", default=24)
# Rows read per database round trip while an export writes its NDJSON files.
FHIR_EXPORT_CHUNK_SIZE = env.int("FHIR_EXPORT_CHUNK_SIZE", default=500)
CELERY_BEAT_SCHEDULE["fhir-exports-run-pending"] = {
    "task": "fhir_api.exports_run_pending",
    "schedule": timedelta(minutes=1),
    "options": {"expires": 55},
}
CELERY_BEAT_SCHEDULE["fhir-exports-expire"] = {
    "task": "fhir_api.exports_expire",
    "schedule": timedelta(minutes=30),
}

# --- REST framework ---------------------------------------------------------------------
# How many reverse proxies stand in front of gunicorn (1 behind the clinic's TLS proxy).
# Throttles, rate limits, lockouts and audit rows read the client's address through that
# many entries of X-Forwarded-For (clinic/http.py); 0 trusts REMOTE_ADDR alone.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
REST_FRAMEWORK = {
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["clinic.parsers.StrideJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "clinic.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "clinic.api.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "intake_submit": env.str("THROTTLE_INTAKE", default="30/minute"),
        "patient_token": env.str("THROTTLE_PATIENT", default="120/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stride API",
    "DESCRIPTION": "Knee-pain intake and triage, follow-ups and second-opinion booking.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
else:
    SECURE_HSTS_SECONDS = 0

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=30)
# One lock per (username, address) pair: failures from elsewhere never lock a colleague out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "dashboard/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "clinic.http.client_ip"
# TOTP two-factor for staff: required by default in production, optional elsewhere.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = CLINIC_NAME
# Enrolling an authenticator needs the signed-in session plus this one-time emailed link.
STAFF_ENROLMENT_LINK_MAX_AGE = timedelta(
    minutes=env.int("STAFF_ENROLMENT_LINK_MAX_AGE_MINUTES", default=30)
)

AUDITLOG_INCLUDE_ALL_MODELS = False

# django-ratelimit: the locmem cache is per process, fine for `make run`; production uses Redis.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_IP_META_KEY = "clinic.http.client_ip"
# With Redis, W001 only says ratelimit does not know our failover subclass of RedisCache.
SILENCED_SYSTEM_CHECKS = (
    ["django_ratelimit.W001"] if REDIS_URL else ["django_ratelimit.E003", "django_ratelimit.W001"]
)

# Benchmark yardsticks (bench/); never in production.
BENCH_ENDPOINTS = env.bool("STRIDE_BENCH_ENDPOINTS", default=False)

# No patient link token reaches a log: django.request (every 4xx names its path), the
# security and server loggers, and the console handler for anything else that propagates.
_REDACT = {"filters": ["redact_tokens"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "clinic.log_filters.RedactTokensFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", **_REDACT},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": _REDACT,
        "django.security": _REDACT,
        "django.server": _REDACT,
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every rendering step at INFO; its warnings (a refused URL) stay.
        "weasyprint": {"level": "WARNING"},
        # twilio's client logs every request's URL and headers, and the answer's, at INFO.
        "twilio": {"level": "WARNING"},
    },
}


def _estimated_entropy_bits(secret: str) -> float:
    """Shannon's estimate over the key's own characters: low for repeats and short alphabets."""
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return per_char * len(secret)


def _refuse_insecure_production() -> None:
    """Stop a production process from starting with a setting that would expose patients."""
    problems = []
    if DEBUG:
        problems.append("DEBUG is on")
    if SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY is the default or too short")
    elif len(set(SECRET_KEY)) < 16 or _estimated_entropy_bits(SECRET_KEY) < 200:
        # A random 50-character Django key scores about 245 bits; "ab" * 40 scores 80.
        problems.append("SECRET_KEY has too little entropy (use 50+ random characters)")
    if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
        problems.append("EMAIL_URL sends email to the console (set an smtp:// EMAIL_URL)")
    if SMS_BACKEND in _DEVELOPMENT_SMS_BACKENDS:
        problems.append(f"SMS_BACKEND is {SMS_BACKEND.rsplit('.', 1)[-1]}, not a provider")
    if not SITE_URL.startswith("https://"):
        problems.append("SITE_URL is not https:// (patients' links would travel in clear)")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    if BENCH_ENDPOINTS:
        problems.append("STRIDE_BENCH_ENDPOINTS is on")
    if problems:
        raise ImproperlyConfigured("DJANGO_ENV=production refuses to start: " + "; ".join(problems))


if PRODUCTION:
    _refuse_insecure_production()
