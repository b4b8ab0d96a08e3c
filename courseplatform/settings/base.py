"""Settings for every environment.

Production differs from development only through environment variables; see
the README's "Settings" table. Tests override a few values in test.py.
"""

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from courseplatform.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_prefixed,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
# Demo mode loads demo users with a shared password and relaxes email
# verification; it must never be on in production.
DEMO_MODE = env_bool("DEMO_MODE", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or DEMO_MODE else [])
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG and DEMO_MODE are off.")
    # The fallback key is public (it is in this file), so anyone could forge sessions
    # and signed links with it: fine on one's own machine, never where others can connect.
    if set(ALLOWED_HOSTS) - LOOPBACK_HOSTS:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when the site answers to hosts other than this machine "
            f"(ALLOWED_HOSTS={','.join(ALLOWED_HOSTS)}), even in DEBUG or DEMO_MODE."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "nested_admin",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "csp",
    "apps.markup",
    "apps.accounts",
    "apps.courses",
    "apps.rounds",
    "apps.cohorts",
    "apps.grouping",
    "apps.submissions",
    "apps.grading",
    "apps.certificates",
    "apps.progress",
    "apps.plans",
    "apps.reminders",
    "apps.reviews",
    "apps.feedback",
    "apps.admissions",
    "apps.demo",
    "apps.home",
    "apps.analytics",
]

MIDDLEWARE = [
    # First, so that probes by IP over plain HTTP get an answer (see courseplatform/health.py).
    "courseplatform.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: the policy is for pages, and static files are answered above it.
    "csp.middleware.CSPMiddleware",
    "courseplatform.permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "courseplatform.urls"
WSGI_APPLICATION = "courseplatform.wsgi.application"

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
                "courseplatform.context_processors.site",
                "courseplatform.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", VAR_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_redis_url("REDIS_URL")
if not REDIS_URL and not (DEBUG or DEMO_MODE):
    # Without Redis the broker is a folder and the cache is per process: tasks and login
    # rate limits would quietly stop working as soon as a second machine or process runs.
    raise ImproperlyConfigured("REDIS_URL must be set when DEBUG and DEMO_MODE are off.")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # One process in demo mode, so a local cache still gives allauth's rate
    # limits a single shared counter.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional" if DEMO_MODE else "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "apps.accounts.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cohort courses] "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated here so they are visible and tested.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The address people reach the site at, for links in emails and calendar feeds.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# A hanging mail server must not hold a reminder batch past its claim.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cohort courses <courses@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Demo mode keeps mail as files so admins can read it at /demo/outbox/.
EMAIL_FILE_PATH = VAR_DIR / "mail"
# EMAIL_BACKEND takes any Django email backend by its dotted path, such as a provider's
# from django-anymail, whose settings come from ANYMAIL_* variables:
# ANYMAIL_MAILGUN_API_KEY=... becomes ANYMAIL["MAILGUN_API_KEY"].
ANYMAIL = env_prefixed("ANYMAIL_")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
    if DEMO_MODE
    else "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else ""
)
if not EMAIL_BACKEND:
    raise ImproperlyConfigured(
        "EMAIL_HOST or EMAIL_BACKEND must be set when DEBUG and DEMO_MODE are off."
    )

# Celery: Redis in production; in demo mode a broker on the filesystem, so a
# single `celery worker -B` runs tasks and beat with no server at all.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# A claimed reminder not confirmed sent within this is taken up again by another dispatcher.
REMINDER_CLAIM_TIMEOUT_SECONDS = env_int("REMINDER_CLAIM_TIMEOUT_SECONDS", 600)

# How long one grouping run may search before it takes the best cohorts found.
GROUPING_TIME_LIMIT_SECONDS = env_int("GROUPING_TIME_LIMIT_SECONDS", 20)

# Beat only enqueues these ticks; what is due lives in the database.
CELERY_BEAT_SCHEDULE = {
    "reminders-tick": {"task": "reminders.tick", "schedule": 60.0},
    "reminders-plan": {"task": "reminders.plan", "schedule": 300.0},
    "reviews-tick": {"task": "reviews.tick", "schedule": 300.0},
    "admissions-tick": {"task": "admissions.tick", "schedule": 60.0},
}

# Headers every page carries; tests/test_headers.py checks them on every page.
# Content Security Policy (django-csp 4 format): nothing is allowed unless listed. Scripts,
# styles, fonts and pictures come from this site only, so a page has no inline script,
# event-handler attribute, <style> or style="" anywhere (they live in static/); img-src
# also takes data: URIs, still nothing from elsewhere. No site may frame ours.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}
# "same-origin": links out of the site (readings, a cohort's video call) tell the other
# site nothing, not even our host name, while requests within the site keep their Referer,
# which Django's CSRF check falls back to on HTTPS when a browser sends no Origin.
# "no-referrer" would drop that too.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No page asks for any of these; a script that got in somehow could not either.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEMO_MODE)
    SESSION_COOKIE_SECURE = not DEMO_MODE
    CSRF_COOKIE_SECURE = not DEMO_MODE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEMO_MODE else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEMO_MODE
    SECURE_HSTS_PRELOAD = not DEMO_MODE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
