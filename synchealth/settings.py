"""Sync Health settings: every difference between deployments comes from the environment.

Defaults run the portal on a SQLite file with tasks executed in-process; `DATABASE_URL` and
`REDIS_URL` switch to PostgreSQL and a real Celery broker. A malformed value stops start-up
with a message naming the variable.
"""

from pathlib import Path
from zoneinfo import available_timezones

from django.core.exceptions import ImproperlyConfigured
from environs import Env, EnvValidationError, validate

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()

try:
    DEBUG = env.bool("DJANGO_DEBUG", False)
    HTTPS = env.bool("DJANGO_HTTPS", not DEBUG)
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
    TIME_ZONE = env.str("TIME_ZONE", "UTC")
    DATABASES = {
        "default": env.dj_db_url(
            "DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
        )
    }
    REDIS_URL = env.str("REDIS_URL", "")
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", REDIS_URL)
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", "")
    LOG_LEVEL = env.log_level("DJANGO_LOG_LEVEL", "INFO")
    # Development without a broker: run tasks on a background thread, not inside the request.
    TASKS_IN_BACKGROUND = env.bool("TASKS_IN_BACKGROUND", False)
    # The accounting platform's write API; in development, the sandbox that `make run` starts.
    PLATFORM_API_URL = env.str("PLATFORM_API_URL", "http://127.0.0.1:8001/" if DEBUG else "")
    PLATFORM_API_KEY = env.str("PLATFORM_API_KEY", "")
    PLATFORM_CONNECT_TIMEOUT = env.float(
        "PLATFORM_CONNECT_TIMEOUT", 3.05, validate=validate.Range(0.01)
    )
    PLATFORM_READ_TIMEOUT = env.float("PLATFORM_READ_TIMEOUT", 30.0, validate=validate.Range(0.01))
    PLATFORM_PENDING_TIMEOUT = env.float(
        "PLATFORM_PENDING_TIMEOUT", 60.0, validate=validate.Range(0)
    )
    RETRY_CONCURRENCY = env.int("RETRY_CONCURRENCY", 64, validate=validate.Range(1, 512))
    RETRY_MAX_ATTEMPTS = env.int("RETRY_MAX_ATTEMPTS", 5, validate=validate.Range(1, 50))
    RETRY_BACKOFF_SECONDS = env.float("RETRY_BACKOFF_SECONDS", 1.0, validate=validate.Range(0))
    RETRY_BACKOFF_MAX_SECONDS = env.float(
        "RETRY_BACKOFF_MAX_SECONDS", 30.0, validate=validate.Range(0)
    )
    RETRY_LEASE_SECONDS = env.int("RETRY_LEASE_SECONDS", 60, validate=validate.Range(1))
    RETRY_SWEEP_SECONDS = env.int("RETRY_SWEEP_SECONDS", 60, validate=validate.Range(1))
except EnvValidationError as error:
    raise ImproperlyConfigured(str(error)) from None

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Compiling a plan to machine code pays off for long analytical queries only: a page
    # picked from dozens of branches spent 0.6 s compiling them and 0.04 s running them.
    # Options given in DATABASE_URL are kept, and one naming jit decides it.
    connect = DATABASES["default"].setdefault("OPTIONS", {})
    if "jit" not in connect.get("options", ""):
        connect["options"] = f"{connect.get('options', '')} -c jit=off".strip()

if TIME_ZONE not in available_timezones():
    raise ImproperlyConfigured(
        f'Environment variable "TIME_ZONE" invalid: {TIME_ZONE!r} is not an IANA time zone.'
    )
for name, url in (("REDIS_URL", REDIS_URL), ("CELERY_BROKER_URL", CELERY_BROKER_URL)):
    if url and not url.startswith(("redis://", "rediss://", "amqp://", "memory://")):
        raise ImproperlyConfigured(
            f'Environment variable "{name}" invalid: expected a redis:// or amqp:// URL.'
        )
if PLATFORM_API_URL and not PLATFORM_API_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        'Environment variable "PLATFORM_API_URL" invalid: expected an http:// or https:// URL.'
    )
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            'Environment variable "DJANGO_SECRET_KEY" is required when DJANGO_DEBUG is off.'
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-on"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "syncs",
    "pushitems",
    "accounts",
    "retries",
    "sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "synchealth.urls"
WSGI_APPLICATION = "synchealth.wsgi.application"

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
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["accounts.backends.PreferenceBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: secure by default; DJANGO_HTTPS=false only where TLS is not in front of the app.
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Celery: with no broker configured, tasks run in-process so nothing else is needed.
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# A click must not hang on a broker that does not answer: the retry is saved and the sweeper
# enqueues it later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3}
CELERY_BEAT_SCHEDULE = {
    "sweep-retries": {
        "task": "retries.tasks.sweep_retries",
        "schedule": RETRY_SWEEP_SECONDS,
        # A sweep that waited longer than the next one is worthless.
        "options": {"expires": RETRY_SWEEP_SECONDS},
    }
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/semantic.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
