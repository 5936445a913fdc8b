"""The one settings module. Every value that differs between machines comes from the environment.

Safe defaults make ``make run`` work on a laptop (SQLite, an embedded Celery transport, the
console email backend); production must set ``DJANGO_SECRET_KEY`` and turns ``DJANGO_DEBUG``
off, which also switches on the HTTPS and cookie hardening below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_choice, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
# Demo mode: seed_demo may create the demo users and staff need no TOTP. Never in production.
DEMO_MODE = env_bool("PORTAL_DEMO_MODE", False)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-secret-key-never-use-in-production-0123456789")
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY", "it signs sessions and tokens in production")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal",
    "organisations",
    "grants",
    "funding",
    "familycentre",
    "suomifi",
    "jarjestoportaali",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Suomi.fi e-Identification (SAML 2.0) beside the email login; it offers itself only when
    # SUOMIFI_IDENTIFICATION is set (see "Suomi.fi" below).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.saml",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.StaffMFAMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
]

ROOT_URLCONF = "jarjestoportaali.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "jarjestoportaali.context_processors.navigation",
                "suomifi.context_processors.suomifi",
            ],
            # Layout tags that any page uses, such as {% scrolls_sideways %} around a table.
            "builtins": ["portal.templatetags.portal_layout"],
        },
    },
    {
        # Plain-text emails: the same templates without HTML escaping, so that "A & B ry" arrives
        # as written (a plain-text body is never rendered as HTML).
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
_database = dj_database_url.parse(DATABASE_URL)
if _database["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3 with one persistent connection per thread. Not psycopg_pool: after the database
    # was away, a pool that failed to reconnect waits out a growing backoff, and requests kept
    # failing with "couldn't get a connection" for a while after the database was back
    # (bench/faults.py). A persistent connection is checked at the start of each request
    # (CONN_HEALTH_CHECKS) and replaced at once when the database restarted.
    _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    _database["CONN_HEALTH_CHECKS"] = True
    # A select box of model choices iterates its queryset: with server-side cursors that is three
    # round trips (DECLARE, FETCH, CLOSE) for a few rows. Chunked client-side reads suffice here.
    _database["DISABLE_SERVER_SIDE_CURSORS"] = True
    _database["OPTIONS"] = {
        # A database that does not answer is an error page in seconds, not a hung request; one
        # that refuses connections (stopped) is one at once.
        "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 2),
        # Parameters bound by the server, so that psycopg prepares a query the connection has run
        # a few times: planning the application page's ten-table join took 7 ms, running it 1 ms.
        "server_side_binding": True,
        "prepare_threshold": env_int("DATABASE_PREPARE_THRESHOLD", 5),  # runs before it is prepared
    }
elif _database["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The web server and the worker share the file: wait for locks instead of failing, and
    # keep the test database in a file so that a worker process started by a test can see it.
    _database["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    _database["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}
DATABASES = {"default": _database}

# --- Caches -----------------------------------------------------------------------------------

# Two caches, so that nothing can push the security state out:
# - "default" holds only security state: allauth's login rate limits and the TOTP codes already
#   used (allauth reads the default cache for both), and the limit of look-ups in PRH's register
#   (organisations.services.may_look_up).
# - "sessions" holds the sessions in front of the database (cached_db).
# On Redis both live in the same server under their own key prefixes; without Redis each is a
# file cache of its own under var/cache/, large enough not to cull live rate-limit history.
CACHE_URL = env_str("CACHE_URL", "")


# Redis that stops answering must not hold a page for long (portal/cache.py, docs/design.md "Faults").
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


def _cache(prefix: str, tolerant: bool = True) -> dict[str, Any]:
    if CACHE_URL.startswith(("redis://", "rediss://")):
        backend = "portal.cache.TolerantRedisCache" if tolerant else "portal.cache.RedisCache"
        return {"BACKEND": backend, "LOCATION": CACHE_URL, "KEY_PREFIX": prefix, "OPTIONS": REDIS_TIMEOUTS}
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / prefix),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


CACHES = {
    # Rate limits and the keys that gather jobs, and the sessions: answered as empty while Redis
    # is away (portal/cache.py).
    "default": _cache("security"),
    "sessions": _cache("sessions"),
    # The versions of what public fragments show (a few keys), shared by every process; these
    # raise when Redis is away, and the fragments are then rendered...
    "fragment-versions": _cache("fragment-versions", tolerant=False),
    # ...and the fragments themselves, in each process's own memory: bounded there, so that no
    # flood of distinct queries can fill the shared cache that holds the rate limits.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": env_int("PORTAL_FRAGMENTS_PER_PROCESS", 500)},
    },
}
# Sessions are read from the cache and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

# --- Accounts ---------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [  # Django's and allauth's, reading the signed-in person through portal.identity
    "portal.accounts.ModelBackend",
    "portal.accounts.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "portal.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workspace:home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Following the link from the email in the browser that signed up logs the person in (allauth does
# it only in that browser's session, so a leaked link logs nobody in).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Emails name the portal and its address, are plain text without HTML escaping, and a page left for
# a login (an invitation) is opened after it.
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Järjestöportaali] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Spelled out so that nobody switches them off by accident; the values are allauth's defaults.
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "confirm_email": "1/180s/key",
    # Not allauth's: the accessibility statement's feedback form (portal.views).
    "accessibility_feedback": "5/h/ip",
}
# Behind the reverse proxy every request comes from the proxy's address: rate limits must count the
# client's address, which the proxy appends to X-Forwarded-For. The number of proxies in front of
# gunicorn that append to it (1 for the documented nginx); 0 trusts no X-Forwarded-For at all,
# which is right only when clients reach gunicorn directly.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("PORTAL_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Järjestöportaali"
# Accept the code of the previous and the next 30-second period too: phones' clocks drift, and a
# code typed at the turn of a period must not fail.
MFA_TOTP_TOLERANCE = 1
# Coordinators, decision-makers and staff must have TOTP before a staff page opens.
PORTAL_REQUIRE_STAFF_MFA = env_bool("PORTAL_REQUIRE_STAFF_MFA", not DEMO_MODE)

# The portal's own address, for links in emails sent by background jobs. By default the address
# `make run` serves the demo at, on the port it was given.
_RUN_PORT = env_int("PORT", 8000)
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", f"http://127.0.0.1:{_RUN_PORT}").rstrip("/")
# The release running (e.g. the git commit): cached page fragments of another release are not used.
# Without it each process keeps its own, so a deployment never shows fragments of the code before.
PORTAL_RELEASE = env_str("PORTAL_RELEASE", "")

# --- Suomi.fi e-Identification and Mandates ------------------------------------------------------

# "off" (the default: no Suomi.fi button, its pages answer 404), "test" (Suomi.fi's test
# environment) or "production". README "Suomi.fi" lists what each needs registered.
SUOMIFI_IDENTIFICATION = env_choice("SUOMIFI_IDENTIFICATION", ("off", "test", "production"), "off")
_SUOMIFI_ON = SUOMIFI_IDENTIFICATION != "off"
_SUOMIFI_IDP = {
    "test": (
        "https://testi.apro.tunnistus.fi/idp1",
        "https://static.apro.tunnistus.fi/static/metadata/idp-metadata.xml",
    ),
    "production": (
        "https://tunnistautuminen.suomi.fi/idp1",
        "https://tunnistus.suomi.fi/static/metadata/idp-metadata.xml",
    ),
}
SUOMIFI_IDP_ENTITY_ID = env_str("SUOMIFI_IDP_ENTITY_ID", _SUOMIFI_IDP.get(SUOMIFI_IDENTIFICATION, ("", ""))[0])
SUOMIFI_IDP_METADATA_URL = env_str("SUOMIFI_IDP_METADATA_URL", _SUOMIFI_IDP.get(SUOMIFI_IDENTIFICATION, ("", ""))[1])
# Where Suomi.fi's login and logout pages are (the SSO and SLO locations of its metadata): the
# Content-Security-Policy lets the portal's login and logout forms lead there.
SUOMIFI_FORM_ACTION_ORIGINS = env_list(
    "SUOMIFI_FORM_ACTION_ORIGINS",
    {"test": ["https://testi.apro.tunnistus.fi"], "production": ["https://tunnistautuminen.suomi.fi"]}.get(
        SUOMIFI_IDENTIFICATION, []
    ),
)
# The portal's entity ID as registered with Suomi.fi; by default the address of its metadata.
SUOMIFI_SP_ENTITY_ID = env_str("SUOMIFI_SP_ENTITY_ID", "")
# The certificate and key that sign the portal's requests and decrypt the assertions (PEM files).
SUOMIFI_SP_CERTIFICATE_FILE = env_str("SUOMIFI_SP_CERTIFICATE_FILE", "")
SUOMIFI_SP_PRIVATE_KEY_FILE = env_str("SUOMIFI_SP_PRIVATE_KEY_FILE", "")
if _SUOMIFI_ON:
    for _name in ("SUOMIFI_SP_CERTIFICATE_FILE", "SUOMIFI_SP_PRIVATE_KEY_FILE", "SUOMIFI_PSEUDONYM_KEY"):
        env_required(_name, "Suomi.fi identification is switched on")
# The key of the person's pseudonym: Suomi.fi's NameID lasts one session, so the account is found
# by a keyed hash of the identity code (the code itself is never stored). Never change it.
SUOMIFI_PSEUDONYM_KEY = env_str("SUOMIFI_PSEUDONYM_KEY", "")
# Suomi.fi Mandates (valtuudet), Web API: acting for an association by its Business ID. Off
# without a client ID.
SUOMIFI_MANDATES_URL = env_str(
    "SUOMIFI_MANDATES_URL",
    "https://asiointivaltuustarkastus.suomi.fi"
    if SUOMIFI_IDENTIFICATION == "production"
    else "https://asiointivaltuustarkastus.qa.suomi.fi",
).rstrip("/")
SUOMIFI_MANDATES_CLIENT_ID = env_str("SUOMIFI_MANDATES_CLIENT_ID", "")
SUOMIFI_MANDATES_API_KEY = env_str("SUOMIFI_MANDATES_API_KEY", "")
SUOMIFI_MANDATES_OAUTH_SECRET = env_str("SUOMIFI_MANDATES_OAUTH_SECRET", "")
if SUOMIFI_MANDATES_CLIENT_ID:
    for _name in ("SUOMIFI_MANDATES_API_KEY", "SUOMIFI_MANDATES_OAUTH_SECRET"):
        env_required(_name, "Suomi.fi Mandates is switched on (SUOMIFI_MANDATES_CLIENT_ID)")
# The roles (as the service names them) that let a person act for an association here; empty:
# whatever role the service answers for this e-service (its rules are registered with the service).
SUOMIFI_MANDATES_ROLES = env_list("SUOMIFI_MANDATES_ROLES", [])
SUOMIFI_MANDATES_TIMEOUT = env_int("SUOMIFI_MANDATES_TIMEOUT", 10)
# The Suomi.fi login is an allauth SAML app built from the values above by suomifi.adapter.
SOCIALACCOUNT_ADAPTER = "suomifi.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS: dict[str, dict[str, Any]] = {
    "saml": {"provider_class": "suomifi.saml.SuomifiProvider"},
}
# Connecting Suomi.fi to an existing account must not log anyone in by a matching email address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False

# --- Email ------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Järjestöportaali <noreply@example.org>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Languages and time -----------------------------------------------------------------------

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as written in Finland (1.12.2026 9.00), not American; date fields filled the way the
# browsers' date pickers take them (ISO), also in Finnish.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None", False] = "Lax"

# --- Files ------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
PORTAL_UPLOAD_MAX_BYTES = env_int("PORTAL_UPLOAD_MAX_MB", 20) * 1024 * 1024
# Django keeps larger uploads in a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Several web and worker machines share uploads and generated PDFs through S3-compatible object
# storage; one machine keeps them on its own disk under MEDIA_ROOT.
PORTAL_S3_BUCKET = env_str("PORTAL_S3_BUCKET", "")
if PORTAL_S3_BUCKET:
    _default_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PORTAL_S3_BUCKET,
            "endpoint_url": env_str("PORTAL_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("PORTAL_S3_REGION", "") or None,
            "access_key": env_required("PORTAL_S3_ACCESS_KEY_ID", "the object storage needs credentials"),
            "secret_key": env_required("PORTAL_S3_SECRET_ACCESS_KEY", "the object storage needs credentials"),
            "location": env_str("PORTAL_S3_PREFIX", "media"),
            # Files are private: the portal streams them through its authorised download views.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "portal.storage.PortalFileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security headers (always) and HTTPS hardening (production) -------------------------------

# Content-Security-Policy: scripts, styles and fonts only from the portal itself, so no inline
# script or style attribute runs; tests/browser checks that every page keeps to it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Logging in to and out of Suomi.fi posts a form that is answered by a redirect to Suomi.fi.
        "form-action": [SELF, *SUOMIFI_FORM_ACTION_ORIGINS],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- The association register -------------------------------------------------------------

# PRH's open data (YTJ): organisations looked up by Business ID (organisations/register.py). A page
# waits at most about (1 + retries) x timeout seconds and goes on without the register; the weekly
# job tries harder and pauses between organisations (PRH limits queries per minute for everyone).
PORTAL_PRH_URL = env_str("PORTAL_PRH_URL", "https://avoindata.prh.fi/opendata-ytj-api/v3/companies")
PORTAL_PRH_TIMEOUT_SECONDS = env_int("PORTAL_PRH_TIMEOUT_SECONDS", 4)
PORTAL_PRH_RETRIES = env_int("PORTAL_PRH_RETRIES", 1)
PORTAL_PRH_JOB_RETRIES = env_int("PORTAL_PRH_JOB_RETRIES", 4)
PORTAL_PRH_JOB_PAUSE_MS = env_int("PORTAL_PRH_JOB_PAUSE_MS", 500)

# --- Celery -----------------------------------------------------------------------------------

# Without a broker URL, kombu's filesystem transport queues jobs in var/ on this machine.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_QUEUE_DIR = VAR_DIR / "celery" / "queue"
# The longest job's hard limit, in seconds; the broker must not redeliver a job before it.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
# A job whose worker died (acks_late: never acknowledged) goes back to the queue after this many
# seconds; the jobs are idempotent, so running it again finishes it exactly once.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT * 2)
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 1
if CELERY_BROKER_URL.startswith("redis://"):
    # Kombu's Redis transport, with the worker surviving Redis going away mid-job (portal/broker.py).
    CELERY_BROKER_TRANSPORT = "portal.broker:Transport"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("queue", "control", "results"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(CELERY_BROKER_QUEUE_DIR),
        "data_folder_out": str(CELERY_BROKER_QUEUE_DIR),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND",
    CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else f"file://{VAR_DIR / 'celery' / 'results'}",
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker keeps reconnecting however long the broker is away (its unit restarts it if it dies).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A page that queues a job waits at most about a second for a broker that is away; the change is
# saved anyway (portal.jobs.after_commit).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A running report silent (no step) for longer than any job may run lost its worker; a queued one
# that no worker took in this time lost its message. The reaper requeues them (or fails them).
PORTAL_REPORT_STALLED_SECONDS = env_int("PORTAL_REPORT_STALLED_SECONDS", CELERY_TASK_TIME_LIMIT + 60)
PORTAL_REPORT_QUEUED_SECONDS = env_int("PORTAL_REPORT_QUEUED_SECONDS", 15 * 60)
# One area's part of the national overview (an area report, seconds even for the largest): its
# hard time limit, and how long a part may be silent before the reaper runs it again.
PORTAL_PART_TIME_LIMIT = env_int("PORTAL_PART_TIME_LIMIT", 300)
PORTAL_PART_STALLED_SECONDS = env_int("PORTAL_PART_STALLED_SECONDS", PORTAL_PART_TIME_LIMIT + 60)
CELERY_BEAT_SCHEDULE = {
    "reap-stalled-reports": {"task": "funding.tasks.reap_stalled_reports", "schedule": 60.0},
    "daily-agreement-check": {
        "task": "familycentre.tasks.daily_agreement_check",
        "schedule": crontab(hour=7, minute=0),
    },
    # Imports and decisions refresh their area's dashboard figures at once; this catches the rest
    # (submissions, withdrawals, a new year), so that no dashboard is older than a day.
    "nightly-continuity-figures": {
        "task": "funding.tasks.refresh_all_continuity_figures",
        "schedule": crontab(hour=2, minute=30),
    },
    # Drafts of calls about to close, reports on the use of funds due or overdue (grants/reminders.py).
    "daily-reminders": {"task": "grants.tasks.send_reminders", "schedule": crontab(hour=7, minute=30)},
    # The retention schedule (jarjestoportaali/retention.py).
    "nightly-retention": {"task": "jarjestoportaali.tasks.apply_retention", "schedule": crontab(hour=4, minute=0)},
    # Publishing builds the open data at once; the nightly build catches anything else.
    "nightly-open-data": {"task": "grants.tasks.build_open_data", "schedule": crontab(hour=3, minute=15)},
    # Verified organisations checked against PRH's register; dissolved or renamed ones flagged.
    "weekly-register-check": {
        "task": "organisations.tasks.refresh_from_register",
        "schedule": crontab(day_of_week="mon", hour=5, minute=0),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
(VAR_DIR / "celery").mkdir(parents=True, exist_ok=True)  # beat keeps its schedule there with any broker

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # WeasyPrint reports every layout step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # urllib3 logs every request's path at DEBUG, and registering a Suomi.fi Mandates session
        # has the person's identity code in its path (suomifi/mandates.py): never below WARNING.
        "urllib3": {"level": "WARNING"},
    },
}
