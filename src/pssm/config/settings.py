"""Django settings of PSSM, configured by environment variables (see README)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The working directory of an installation: the repository root in development, or PSSM_HOME.
HOME_DIR = Path(os.environ.get("PSSM_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = HOME_DIR / "var"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """PSSM_SECRET_KEY, or a random key kept in var/secret-key for a development install."""
    key = os.environ.get("PSSM_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret-key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = _env_bool("PSSM_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _env_list("PSSM_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _env_list("PSSM_CSRF_TRUSTED_ORIGINS", "")

# Identity of this deployment node in the journal (a depot laptop, the national server, ...).
PSSM_NODE_ID = os.environ.get("PSSM_NODE_ID", "local")
# The node's Ed25519 signing key: a file readable only by the service user, outside the
# database (created by `pssm node init`, or on the first write of a node that never signed).
PSSM_NODE_KEY_FILE = Path(os.environ.get("PSSM_NODE_KEY_FILE", VAR_DIR / "node-key")).resolve()
# Every how many entries the journal is sealed by a signature (the head is sealed always).
PSSM_JOURNAL_SEAL_EVERY = int(os.environ.get("PSSM_JOURNAL_SEAL_EVERY", "1000"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_filters",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "pssm.core",
    "pssm.demo",
    "pssm.dashboard",
    "pssm.accounts",
    "pssm.sites",
    "pssm.journal",
    "pssm.registry",
    "pssm.movements",
    "pssm.ammunition",
    "pssm.imports",
    "pssm.inspections",
    "pssm.programme",
    "pssm.sync",
    "pssm.notices",
    "pssm.tracing",
    "pssm.reports",
]

# Background work (a depot's synchronisation every few minutes) is queued in the database
# itself, on SQLite as on PostgreSQL, and run by `pssm db_worker` (ADR 0014).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "sync"],
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (about a fifth of their size on a 2G link). Django's GZip
    # middleware pads each answer with random bytes against BREACH, and the CSRF token is
    # masked afresh on every page (ADR 0018).
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "pssm.core.middleware.PrivateResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pssm.core.middleware.LanguageMiddleware",
    "pssm.core.middleware.InputGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pssm.accounts.middleware.AccountGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "pssm.core.middleware.ErrorMiddleware",
]

ROOT_URLCONF = "pssm.config.urls"
WSGI_APPLICATION = "pssm.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pssm.core.context_processors.navigation",
                "pssm.sync.context.sync_banner",
            ],
        },
    },
]

_DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pssm.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        # PostgreSQL keeps each worker's connection between requests (opening one costs more
        # than a whole search); SQLite opens a file, which is free.
        conn_max_age=int(
            os.environ.get(
                "PSSM_DB_CONN_MAX_AGE", "0" if _DATABASE_URL.startswith("sqlite") else "60"
            )
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock at BEGIN, so two postings never interleave; readers use WAL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PSSM_TEST_SQLITE_NAME", "")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = int(os.environ.get("PSSM_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# HTTPS (PSSM_HTTPS=1; PSSM_SECURE_COOKIES=1 is the older name): secure cookies, a redirect
# from http:// and HSTS for a year (ADR 0013). `pssm check --deploy` is then clean.
HTTPS = _env_bool("PSSM_HTTPS", _env_bool("PSSM_SECURE_COOKIES", False))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("PSSM_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and _env_bool("PSSM_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and _env_bool("PSSM_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if _env_bool("PSSM_BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and everything else from this server
# only, no inline script or style, no plug-ins, no framing. The camera scanner needs media
# from the camera (blob:) and the QR codes are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    }
}
# Browser features a page may use: the camera (serial scanning) on this site only.
PSSM_PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"

# Failed logins: 5 wrong passwords for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("PSSM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("PSSM_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pssm.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Accounts: API tokens, second factor, support contact (ADR 0010).
# API tokens (django-rest-knox) are stored hashed and expire after this many hours; a new
# sign-in gives a new token; a password change or a deactivation revokes them all.
PSSM_API_TOKEN_HOURS = float(os.environ.get("PSSM_API_TOKEN_HOURS", "24"))
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": None,
}
# TOTP second factor (django-otp): the issuer name shown in authenticator applications.
OTP_TOTP_ISSUER = os.environ.get("PSSM_OTP_ISSUER", "PSSM")
# Who a locked-out user should contact (shown on the lock-out page when set), e.g.
# "Commission nationale, +223 20 00 00 00, securite@example.org".
PSSM_SUPPORT_CONTACT = os.environ.get("PSSM_SUPPORT_CONTACT", "")

LANGUAGE_CODE = os.environ.get("PSSM_DEFAULT_LANGUAGE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "pssm_language"
USE_I18N = True
TIME_ZONE = os.environ.get("PSSM_TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("PSSM_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
# Hashed names are cached for ten years (WhiteNoise marks them immutable); the few files
# served at fixed names (the favicon at the root) for a day.
WHITENOISE_MAX_AGE = 86400
WHITENOISE_ROOT = PACKAGE_DIR / "core" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "pssm.core.storage.StaticStorage"},
}

# Lists: sorted by ?sort=column (-column for descending), paginated by ?page=.
DJANGO_TABLES2_TEMPLATE = "core/_table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "list"}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "pssm.core.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "pssm.core.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "pssm.core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PSSM API",
    "DESCRIPTION": "Physical Security and Stockpile Management: sites, journal and more.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pssm.core.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": ["fr", "en"],
        "OrganisationKindEnum": "pssm.sites.models.Organisation.Kind",
        "SiteKindEnum": "pssm.sites.models.Site.Kind",
        "BuildingKindEnum": "pssm.sites.models.Building.Kind",
        "StorageLocationKindEnum": "pssm.sites.models.StorageLocation.Kind",
        "StorehouseTypeEnum": "pssm.sites.models.Building.StorehouseType",
        "VoucherKindEnum": "pssm.movements.models.KIND_CHOICES",
        "DiscrepancyKindEnum": "pssm.movements.models.Discrepancy.Kind",
        "VoucherStateEnum": "pssm.movements.models.Voucher.State",
        "InspectionStateEnum": "pssm.inspections.models.Inspection.State",
        "WeaponStatusEnum": "pssm.registry.models.STATUS_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PSSM_LOG_LEVEL", "WARNING")},
}

# When a weapon handed to a person or a unit is due back (overdue-returns list, ADR 0019):
# loans after PSSM_LOAN_DAYS, issues after PSSM_ISSUE_DAYS (0: an issue is never due back).
PSSM_LOAN_DAYS = int(os.environ.get("PSSM_LOAN_DAYS", "30"))
PSSM_ISSUE_DAYS = int(os.environ.get("PSSM_ISSUE_DAYS", "0"))

# The user guides shown by the interface's help (docs/guide/<language>/<role>.md).
PSSM_DOCS_DIR = Path(os.environ.get("PSSM_DOCS_DIR", HOME_DIR / "docs")).resolve()

# Photos taken as evidence during inspections, stored by content hash (SHA-256).
PSSM_PHOTO_DIR = Path(os.environ.get("PSSM_PHOTO_DIR", VAR_DIR / "photos"))
# Bundles on their way over the network: parts received, acknowledgements to fetch, and
# (on a depot) the bundle being sent, so that an interrupted transfer resumes.
PSSM_SYNC_DIR = Path(os.environ.get("PSSM_SYNC_DIR", VAR_DIR / "sync"))
PSSM_PHOTO_MAX_MB = int(os.environ.get("PSSM_PHOTO_MAX_MB", "8"))

# Uploaded registers wait here while they are mapped, checked and imported.
PSSM_IMPORT_DIR = Path(os.environ.get("PSSM_IMPORT_DIR", VAR_DIR / "imports"))
PSSM_IMPORT_MAX_MB = int(os.environ.get("PSSM_IMPORT_MAX_MB", "500"))
# Run imports started from the web in the request itself instead of a background process
# (for tests and for very small installations).
PSSM_IMPORTS_INLINE = _env_bool("PSSM_IMPORTS_INLINE", False)
# How many imports run at once on this node (the others wait in line), and what the process
# reading a file may use (address space beyond its start, processor seconds): ADR 0012.
PSSM_IMPORT_CONCURRENCY = max(1, int(os.environ.get("PSSM_IMPORT_CONCURRENCY", "2")))
PSSM_IMPORT_MAX_MEMORY_MB = int(os.environ.get("PSSM_IMPORT_MAX_MEMORY_MB", "1024"))
PSSM_IMPORT_MAX_CPU_SECONDS = int(os.environ.get("PSSM_IMPORT_MAX_CPU_SECONDS", "3600"))


# Notifications by e-mail, only where the depot has a mail server: PSSM_SMTP_HOST (and
# PSSM_SMTP_PORT, PSSM_SMTP_USER, PSSM_SMTP_PASSWORD, PSSM_SMTP_TLS=1, PSSM_MAIL_FROM).
# Without it, notifications are in PSSM only.
if os.environ.get("PSSM_SMTP_HOST"):
    EMAIL_HOST = os.environ["PSSM_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("PSSM_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("PSSM_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("PSSM_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("PSSM_SMTP_TLS", "") == "1"
    EMAIL_TIMEOUT = 10
    DEFAULT_FROM_EMAIL = os.environ.get("PSSM_MAIL_FROM", "pssm@localhost")
    PSSM_EMAIL_NOTICES = True
else:
    PSSM_EMAIL_NOTICES = False
