"""Settings, all read from the environment once, here.

With nothing set the service runs on a SQLite file and runs Celery tasks in-process, so a
first run needs nothing else. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me"  # noqa: S105 - only ever used with DEBUG on
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "treebeard",
    "viewflow",
    "viewflow.workflow",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "axes",
    "csp",
    "accounts",
    "units",
    "workflows",
    "notifications",
    "reports",
    "documents",
    "awards",
    "ops",
    "django_prometheus",
    "plans",
]

MIDDLEWARE = [
    # The client's address behind nginx; then /healthz, /readyz, /metrics answered before
    # anything else (ops/middleware.py).
    "ops.middleware.ClientAddressMiddleware",
    "ops.middleware.OpsEndpointsMiddleware",
    # The request id, one JSON line per request; the latency by view (django-prometheus).
    "ops.middleware.RequestLogMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Under /api/ every error response, wherever it comes from, is the API's error shape.
    "core.middleware.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
if os.environ.get("DATABASE_REPLICA_URL"):
    MIDDLEWARE.insert(
        MIDDLEWARE.index("core.middleware.ApiErrorMiddleware"), "ops.replica.ReplicaMiddleware"
    )

if env_bool("SERVER_TIMING", False):  # server time and SQL count per response (bench/)
    MIDDLEWARE.insert(0, "config.middleware.ServerTimingMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "units.context_processors.navigation",
                "notifications.context_processors.bell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it: after a database restart
        # the first requests reconnect instead of failing.
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction mode (DB_PGBOUNCER=true): a transaction may land on another
# server connection each time, so nothing may outlive one. Django's server-side cursors
# (.iterator()) and psycopg's automatic prepared statements do: both are switched off. The
# service uses no session state otherwise (its advisory locks are per transaction).
DB_PGBOUNCER = env_bool("DB_PGBOUNCER", False)
if DB_PGBOUNCER:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# The door's hot statements (core.sql) are PREPAREd once per database connection and then
# EXECUTEd, which spares PostgreSQL planning them on every transition (docs/performance.md,
# #19 step 11). Prepared statements live in the server session, so they are off behind
# PgBouncer in transaction mode unless asked for.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", not DB_PGBOUNCER)
# An optional read replica for reports and lists (ops/replica.py): only the GET views named
# here read from it, and not for REPLICA_PIN_SECONDS after the person wrote anything.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DB_PGBOUNCER:
        DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["replica"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    DATABASE_ROUTERS = ["ops.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = float(os.environ.get("REPLICA_PIN_SECONDS", "10"))
REPLICA_VIEWS = set(
    env_list(
        "REPLICA_VIEWS",
        "reports:overview,reports:report_print,reports:forms,reports:committee_forms,"
        "reports:public_list,workflows:initiative_list,workflows:audit_search,"
        "api:initiative-list,api:audit-list,api:committee-report",
    )
)
# The service may run as a role that does not own the audit trail (workflows/dbroles.py):
# DATABASE_URL then names that role, MIGRATE_DATABASE_URL the owner (manage.py uses it for
# migrate and grant_app_role), and migrate re-grants APP_DATABASE_ROLE its privileges.
APP_DATABASE_ROLE = os.environ.get("APP_DATABASE_ROLE", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers (runserver threads, in-process tasks) must wait, not fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's validators, with messages in the site's languages (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator"},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
]
# django-axes counts failed sign-ins (the login page, the admin's, POST /api/v1/auth/token) per
# username and IP address together: after AXES_FAILURE_LIMIT failures that username is locked
# from that address for AXES_COOLOFF_MINUTES, whatever the password (so the same person from
# another machine, and other usernames from the same one, are not locked). Its backend must come
# first: it refuses a locked-out attempt before the password is even checked.
# The second signs in with the username or the e-mail address (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrEmailBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# The address is REMOTE_ADDR, as for the audit trail: behind a reverse proxy it must be the
# client's, or every sign-in shares the proxy's address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The cool-off runs from the lockout: more tries while locked do not push it further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
# An e-mail address counts as the username of the account it names: one count per account.
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"

# "Forgot password" links (Django's token) last PASSWORD_RESET_HOURS; an invitation's link
# (units/invitations.py) INVITATION_VALID_DAYS. Both stop working once a password is set.
PASSWORD_RESET_TIMEOUT = int(float(os.environ.get("PASSWORD_RESET_HOURS", "24")) * 3600)
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded attachments and export files. Nothing serves MEDIA_ROOT directly: each file goes
# out through a view that applies its object's access rule (core.files.serve_file). MEDIA_URL
# is therefore never a route (config/urls.py).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Production behind nginx: e.g. "/protected/", an `internal` location aliased to MEDIA_ROOT
# (README, "Files"). The view then answers with an empty response and X-Accel-Redirect, and
# nginx sends the bytes. Empty: Django streams the file itself.
FILES_X_ACCEL_REDIRECT_PREFIX = os.environ.get("FILES_X_ACCEL_REDIRECT_PREFIX", "")
# How long an export's file is kept after it was built (reports.tasks.expire_exports).
EXPORT_FILES_KEEP_HOURS = float(os.environ.get("EXPORT_FILES_KEEP_HOURS", "24"))

# Celery: with no broker configured, tasks run in-process (the embedded default).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A transition must not wait on a broker that is down: publish once, fail fast, and let the
# outbox sweep hand the rows out when the broker is back.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Publishing: fail at once instead of ~2 s of retries (the worker reconnects on its own).
    "max_retries": 0,
    "visibility_timeout": 3600,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "notifications.beat:Scheduler"
# Defaults, written to django-celery-beat's tables only when missing (notifications.beat):
# administrators edit them in the admin (Periodic tasks) and a restart keeps their changes.
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": float(os.environ.get("NOTIFICATIONS_SWEEP_EVERY_SECONDS", "5")),
    },
    "notifications-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifications-registration-deadline": {
        "task": "notifications.remind_registration_deadline",
        "schedule": crontab(hour=7, minute=30),
    },
    "notifications-overdue-tasks": {
        "task": "notifications.remind_overdue_tasks",
        "schedule": crontab(hour=8, minute=0),
    },
    "workflows-nomination-reminders": {
        "task": "workflows.remind_nominations",
        "schedule": crontab(hour=7, minute=45),
    },
    # Units' implementing plans and periodic reports: reminders before their deadline, then
    # overdue reminders and the committee's leaders told (plans.reminders).
    # Each reporting calendar opens its month's (quarter's, …) period on its first day.
    "plans-open-periods": {
        "task": "plans.open_current_periods",
        "schedule": crontab(hour=0, minute=30),
    },
    "plans-filing-reminders": {
        "task": "plans.remind_filings",
        "schedule": crontab(hour=7, minute=50),
    },
    # The audit chain's nightly walk; the auditor's page shows its last outcome.
    "workflows-verify-audit": {
        "task": "workflows.verify_audit",
        "schedule": crontab(hour=2, minute=0),
    },
    # Export files older than EXPORT_FILES_KEEP_HOURS are removed; their jobs say "expired".
    "reports-expire-exports": {
        "task": "reports.expire_exports",
        "schedule": crontab(minute=20),
    },
    # In between: check what was appended since the last signed checkpoint and write a new one.
    "workflows-audit-checkpoint": {
        "task": "workflows.audit_checkpoint",
        "schedule": float(os.environ.get("AUDIT_CHECKPOINT_EVERY_SECONDS", "3600")),
    },
}

# The audit chain (workflows/audit.py): entries are chained with HMAC-SHA256 under
# AUDIT_HMAC_KEY (by default a key derived from SECRET_KEY: set a key of its own in production,
# kept outside the database). To rotate, set the new key and move the old one to
# AUDIT_HMAC_OLD_KEYS (comma-separated): entries name their key, old ones keep verifying.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
AUDIT_HMAC_OLD_KEYS = env_list("AUDIT_HMAC_OLD_KEYS", "")
# Signed checkpoints of the chain, outside the database (workflows/checkpoints.py): appended
# after every full walk and by the beat job above; mailed to AUDIT_CHECKPOINT_EMAILS when set.
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("AUDIT_CHECKPOINT_DIR", BASE_DIR / "var" / "audit-checkpoints")
)
AUDIT_CHECKPOINT_EMAILS = env_list("AUDIT_CHECKPOINT_EMAILS", "")

# Notifications: links in e-mails, retries, the sweep, reminders (see notifications/).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "6"))
NOTIFICATIONS_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "30"))
# A worker renews its claim every third of the lease (notifications.delivery._Heartbeat), so a
# short lease only affects dead workers: their rows go to another worker within the lease plus
# one sweep period (15 s + 5 s by default).
NOTIFICATIONS_CLAIM_LEASE_SECONDS = float(os.environ.get("NOTIFICATIONS_CLAIM_LEASE_SECONDS", "15"))
NOTIFICATIONS_SWEEP_DELAY_SECONDS = float(os.environ.get("NOTIFICATIONS_SWEEP_DELAY_SECONDS", "20"))
NOTIFICATIONS_SWEEP_LIMIT = 5000
NOTIFICATIONS_BROKER_COOLDOWN_SECONDS = float(
    os.environ.get("NOTIFICATIONS_BROKER_COOLDOWN_SECONDS", "10")
)
NOTIFICATIONS_BATCH_SIZE = 100
# How long the publishing thread waits after a commit for others to share its broker message.
NOTIFICATIONS_PUBLISH_DELAY_SECONDS = float(
    os.environ.get("NOTIFICATIONS_PUBLISH_DELAY_SECONDS", "0.05")
)
NOTIFICATIONS_WEBHOOK_TIMEOUT = 10
NOTIFICATIONS_DEADLINE_DAYS = [int(d) for d in env_list("NOTIFICATIONS_DEADLINE_DAYS", "14,7,1")]
# Levels: lower committees that have not nominated are reminded these many days before the
# higher campaign's nomination deadline; without a deadline it is the announcement date (e.g.
# 15 October) less NOMINATION_LEAD_DAYS (the higher council's time to score).
NOMINATION_REMINDER_DAYS = [int(d) for d in env_list("NOMINATION_REMINDER_DAYS", "30,14,7,1")]
NOMINATION_LEAD_DAYS = int(os.environ.get("NOMINATION_LEAD_DAYS", "30"))
NOTIFICATIONS_ESCALATE_AFTER_DAYS = int(os.environ.get("NOTIFICATIONS_ESCALATE_AFTER_DAYS", "3"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "danvankheo@localhost")

# Evidence files: what a unit may attach to an initiative.
# Digital signatures of uploaded decisions (documents.signatures): the directory of trusted
# root certificates (PEM or DER; Vietnam's government CA roots go here), and whether to fetch
# revocation information (OCSP/CRL) over the network.
DOCUMENT_TRUST_ROOTS_DIR = Path(
    os.environ.get("DOCUMENT_TRUST_ROOTS_DIR", BASE_DIR / "trust-roots")
)
DOCUMENT_SIGNATURE_FETCH_REVOCATION = os.environ.get(
    "DOCUMENT_SIGNATURE_FETCH_REVOCATION", ""
).lower() in ("1", "true", "yes", "on")
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
ATTACHMENT_EXTENSIONS = env_list(
    "ATTACHMENT_EXTENSIONS", "pdf,doc,docx,xls,xlsx,odt,ods,jpg,jpeg,png"
)

# The REST API (/api/v1/, workflows/api.py and friends): session or token, one error shape.
# A token (accounts.tokens) is new on every sign-in and valid for API_TOKEN_TTL_HOURS.
API_TOKEN_TTL_HOURS = float(os.environ.get("API_TOKEN_TTL_HOURS", "12"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        # DRF's, with Django's body size limit and a nesting limit (core/parsers.py).
        "core.parsers.JSONParser",
        "core.parsers.MultiPartParser",
        "core.parsers.FormParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dân vận khéo API",
    "DESCRIPTION": (
        "Đăng ký, duyệt, thẩm định, chấm điểm, công nhận và khen thưởng mô hình, điển hình "
        "“Dân vận khéo”. Xác thực bằng phiên đăng nhập hoặc `Authorization: Token <khóa>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "InitiativeFormEnum": "workflows.models.Form",
        "InitiativeKindEnum": "workflows.models.Kind",
        "CommendationFormEnum": "workflows.models.CommendationForm",
        "UnitKindEnum": "units.models.UnitKind",
        "StateEnum": "workflows.models.State",
        "PlanStateEnum": "plans.models.PlanState",
        "FilingStateEnum": "plans.models.FilingState",
        "FilingKindEnum": "plans.models.FilingKind",
        "FrequencyEnum": "plans.models.Frequency",
        "AwardKindEnum": "awards.models.AwardKind",
        "DocumentKindEnum": "documents.models.DocumentKind",
        "ReviewOutcomeEnum": "workflows.models.ReviewOutcome",
    },
}

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only,
# no inline script or style (the pages' scripts are static files). A template that cannot avoid
# an inline script gives it nonce="{{ request.csp_nonce }}". The API's documentation pages get a
# looser policy of their own (config/api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Off only for plain HTTP on loopback (bench/pages.py); a deployment keeps them on.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs: one JSON object per line on stderr (python-json-logger), each with the request id, the
# user and the initiative (core.context); LOG_FORMAT=text for plain lines. One line per request
# (`dvk.request`, ops/middleware.py) and per Celery task (`dvk.task`, ops/celery.py) when
# LOG_REQUESTS is on, whatever LOG_LEVEL says for the rest.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOG_REQUESTS = env_bool("LOG_REQUESTS", True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.context.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger", "process": "pid"},
            "timestamp": "time",  # ISO 8601, UTC
            "json_ensure_ascii": False,
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        name: {"level": "INFO" if LOG_REQUESTS else "WARNING"}
        for name in ("dvk.request", "dvk.task")
    },
}
# The worker keeps these settings instead of Celery's own format (ops/celery.py adds the lines).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Exactly one celery beat: it holds a lock in Redis, renewed every third of this; a second beat
# stops at once; after a crash another may start once it expired (ops/celery.py).
BEAT_LOCK_SECONDS = float(os.environ.get("BEAT_LOCK_SECONDS", "30"))

# Health and metrics (ops/): /healthz, /readyz, /metrics. /metrics answers the addresses in
# METRICS_ALLOWED_IPS, or a scraper sending `Authorization: Bearer METRICS_TOKEN`; 404 to others.
METRICS_ALLOWED_IPS = set(env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1"))
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# The reverse proxies (nginx) whose X-Real-IP header names the client (ops/middleware.py);
# none by default: REMOTE_ADDR is the client.
TRUSTED_PROXIES = set(env_list("TRUSTED_PROXIES", ""))
# /readyz says "degraded" (still 200) past these: the oldest undelivered notification's age,
# and the age of the last walk of the audit chain (nightly).
READY_OUTBOX_LAG_WARN_SECONDS = float(os.environ.get("READY_OUTBOX_LAG_WARN_SECONDS", "300"))
READY_AUDIT_CHECK_MAX_AGE_HOURS = float(os.environ.get("READY_AUDIT_CHECK_MAX_AGE_HOURS", "36"))
PROMETHEUS_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, float("inf"))

# SQLite (the embedded default) ignores the covering column of the public list's index; the
# index still works there, and PostgreSQL uses all of it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
