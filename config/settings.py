"""Settings for the district assessment system.

One file for every environment: each production difference comes from an environment variable
(see README, "Running in production"). Values are read by django-environ, which fails loudly on a
value it cannot parse (``DEBUG=maybe`` stops the start, it is not silently false).
"""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# The test runner loads these settings before any test code could set a variable.
_RUNNING_TESTS = "pytest" in sys.modules

# A development key is only acceptable while DEBUG is on (or under test); a production start
# without a real key must fail instead of signing sessions with a value published in the
# repository.
_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG or _RUNNING_TESTS else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "simple_history",
    "import_export",
    "config.apps.LoginAttemptsConfig",
    "django_tasks",
    "config.apps.BackgroundTasksConfig",
    "units",
    "assessment",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "units.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its documentation asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite in var/ is the embedded default; production sets DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "config.sqlite"  # Django's, with SQLite's real limits
    if "DATABASE_URL" not in env:
        VAR_DIR.mkdir(exist_ok=True)  # the embedded default lives in var/, kept out of git
    # IMMEDIATE transactions take the write lock up front, so two writers wait for each other
    # instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # Tests run on Django's in-memory database. Said outright: pytest-django recognises SQLite
    # by Django's own engine name only, and would otherwise give each xdist worker a test
    # database file named after the path of the real one.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "units.validators.MinimumLengthValidatorZh",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for one username from one address lock that pair for the
# cool-off time. Locking by username + IP keeps one user from locking out a whole office that
# shares a proxy address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# Front-end packages come from the npm registry at install time (`npm ci`, see Makefile) and
# are served from node_modules under stable prefixes; nothing is loaded from a CDN.
_NODE_MODULES = BASE_DIR / "node_modules"
for _prefix, _package_dir in [
    ("vendor/bootstrap", _NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", _NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", _NODE_MODULES / "echarts" / "dist"),
]:
    if _package_dir.is_dir():
        STATICFILES_DIRS.append((_prefix, _package_dir))

MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"  # never routed publicly: attachments go through a permission check

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=20)
# Workbooks larger than this are imported by a background job (``manage.py db_worker`` runs
# the queue; ``make run`` starts one), so a browser never waits on a request that may time out.
IMPORT_BACKGROUND_BYTES = env.int("IMPORT_BACKGROUND_BYTES", default=256 * 1024)
# A running import job silent for longer than this (no progress reported) is ended as failed.
IMPORT_JOB_STALE_SECONDS = env.int("IMPORT_JOB_STALE_SECONDS", default=600)
# The address the public reaches the voting and survey pages at, printed on code slips and
# survey posters (empty: this site's own address as the office's browser sees it).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# Voting with one-time codes (no login): wrong codes one client address may try in an hour
# before the voting page refuses it for the rest of the hour (counted in the cache).
VOTE_REFUSED_CODES_PER_HOUR = env.int("VOTE_REFUSED_CODES_PER_HOUR", default=300)
VOTE_SLOW_SECONDS = env.int("VOTE_SLOW_SECONDS", default=10)
# Public satisfaction surveys: answers one client address may send to a survey per window
# (0: no limit), and the fewest seconds between showing the form and an answer that counts.
SURVEY_RATE_LIMIT = env.int("SURVEY_RATE_LIMIT", default=10)
SURVEY_RATE_WINDOW = env.int("SURVEY_RATE_WINDOW", default=3600)
SURVEY_MIN_SECONDS = env.int("SURVEY_MIN_SECONDS", default=3)
SURVEY_PLAUSIBLE_PER_HOUR = env.int("SURVEY_PLAUSIBLE_PER_HOUR", default=100)
SURVEY_CACHE = "default"
# The limits above are counted in this cache. The default counts per server process; with
# several processes, share one: CACHE_URL=dbcache://district_cache (after `manage.py
# createcachetable`) or a Redis URL.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file

# --- Import / export ------------------------------------------------------------------------
# Every workbook import goes through assessment.imports (all doors); django-import-export is
# used for the admin's exports only, written by units.xlsx.SafeXLSX.

# --- Security -------------------------------------------------------------------------------
# Secure by default when DEBUG is off; each can be relaxed explicitly (e.g. TLS terminated by a
# reverse proxy that sets X-Forwarded-Proto: then set SECURE_PROXY_SSL_HEADER_ENABLED=true).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading puts the whole parent domain on every browser's HTTPS-only list and is hard to
    # undo; a district intranet host does not belong there, so it stays an explicit opt-in.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# No inline scripts, nothing from another origin: pages pass data with json_script and load
# their code from static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        # The verification page shows a record's PDF in a frame from this site (the file's own
        # response lets this site frame it); nothing else is framed, and no plugin is embedded.
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- E-mail and reminders ----------------------------------------------------------
# Django's mail settings, from the environment. ``manage.py send_reminders`` (meant for a daily
# cron job) sends each user a digest of their overdue work only when REMINDER_EMAILS is true;
# the reminders on the site's pages need none of this.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
REMINDER_EMAILS = env.bool("REMINDER_EMAILS", default=False)
# The address the links in e-mails start with, e.g. https://kaohe.example.gov.cn (no request is
# around when a cron job sends them); empty: links are paths only.
SITE_URL = env.str("SITE_URL", default="")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")

# --- Application ----------------------------------------------------------------------------
# Shown in the page header and the admin beside the system's name; a district sets its own.
DISTRICT_NAME = env.str("DISTRICT_NAME", default="")
SIMPLE_HISTORY_REVERT_DISABLED = True  # a revert would skip the validation of the services
# Each computation also sums the evidence records themselves and fails if the running totals it
# read differ (assessment.models.totals): on under the test suite, off in service.
RUNNING_TOTALS_CHECK = env.bool("RUNNING_TOTALS_CHECK", default=False)
