"""Atelier's settings, all read from the environment.

The defaults give a first run that needs no server: SQLite in WAL mode and
Celery's filesystem broker. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis. Nothing here is production-only; behaviour follows the
environment.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/
# Off unless asked for: `make run` sets DJANGO_DEBUG=true for itself.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off Atelier refuses to "
            "start without a secret key: set DJANGO_SECRET_KEY to 50 or more random "
            "characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "atelier-insecure-development-key"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
SITE_NAME = "Atelier"

# SECURITY
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# Each is on by default when DEBUG is off; a plain-http trial turns them off
# (DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (the usual case).
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front append to X-Forwarded-For: rate limits count per
# client address, taken that many hops from the right (0: REMOTE_ADDR).
ATELIER_NUM_PROXIES = env.int("DJANGO_NUM_PROXIES", default=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# CONTENT SECURITY POLICY
# ------------------------------------------------------------------------------
# https://django-csp.readthedocs.io/en/latest/configuration.html
# Scripts and styles come from our own origin or carry the page's nonce
# (`{{ request.csp_nonce }}`); templates have no inline style="" attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # blob: lets the submit form preview the chosen file before uploading.
        "img-src": [
            SELF,
            "data:",
            "blob:",
            *env.list("DJANGO_CSP_IMG_SRC", default=[]),
        ],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'atelier.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Persistent connections, checked before reuse: a request does not pay
    # for a new connection, and one the server dropped is replaced.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction pooling, server-side cursors (.iterator())
    # would outlive their transaction's server connection: turn them off.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )
# Reads of safe requests (GET, HEAD, OPTIONS) go to a replica when one is
# named; writes, workers and everything after a write stay on the primary
# (config/db_router.py). Tests mirror it onto the primary's test database.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **env.db("DATABASE_REPLICA_URL"),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a worker writes; IMMEDIATE takes
    # the write lock up front so concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "csp",
    # Atelier's apps, lowest layer first (docs/architecture.md).
    "core",
    "accounts",
    "art_tasks",
    "curation",
    "generation",
    "gallery",
    "moderation",
    "community",
    "integrations",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "art_tasks:task-list"
LOGOUT_REDIRECT_URL = "gallery:gallery"

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Claims on a task noted full are answered here (art_tasks/claim_gate.py).
    "art_tasks.claim_gate.ClaimGateMiddleware",
    # Safe requests may read from the replica (config/db_router.py).
    "config.db_router.ReplicaReadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.RejectNulMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "community.context_processors.notifications",
            ]
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#storages
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=True)
# Submission originals and variants: never under MEDIA_ROOT, served by a view
# that checks permission per request (docs/operations.md, "Private files").
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
# When set (e.g. "/_private/"), that view answers with X-Accel-Redirect to
# this internal nginx location instead of streaming the file itself.
ATELIER_PRIVATE_MEDIA_ACCEL_REDIRECT = env(
    "ATELIER_PRIVATE_MEDIA_ACCEL_REDIRECT", default=""
)
# Object storage (docs/operations.md, "Object storage"): with a bucket named,
# public media, submission files and trained weights go to S3 (or any
# S3-compatible server: MinIO, Ceph, moto) under the prefixes media/,
# private/ and models/; without one, to the local folders above.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="") or None
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="") or None
# A CDN (or the bucket's website host) in front of the public objects.
AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN", default="") or None
AWS_S3_URL_PROTOCOL = env("AWS_S3_URL_PROTOCOL", default="https:")
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_S3_ADDRESSING_STYLE = env("AWS_S3_ADDRESSING_STYLE", default="path")
# Per-object ACLs publish accepted work's variants; servers without them
# (MinIO) set this off and publish prefixes with a bucket policy instead.
AWS_S3_OBJECT_ACLS = env.bool("AWS_S3_OBJECT_ACLS", default=True)
# How long a signed URL to an original, a draft or weights works.
ATELIER_SIGNED_URL_SECONDS = env.int("ATELIER_SIGNED_URL_SECONDS", default=300)
# Where workers keep the weights they downloaded (a temporary folder if empty).
ATELIER_WEIGHTS_CACHE_DIR = env("ATELIER_WEIGHTS_CACHE_DIR", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Pages show images from the bucket (signed URLs) and its CDN (public
    # ones): let the CSP allow both.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        AWS_S3_ENDPOINT_URL
        or f"https://s3.{AWS_S3_REGION_NAME or 'us-east-1'}.amazonaws.com"
    )
    if AWS_S3_CUSTOM_DOMAIN:
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
            f"{AWS_S3_URL_PROTOCOL}//{AWS_S3_CUSTOM_DOMAIN}"
        )
    _MEDIA_STORAGES = {
        "default": {"BACKEND": "core.storage.PublicMediaS3Storage"},
        "private": {"BACKEND": "core.storage.PrivateS3Storage"},
        "weights": {"BACKEND": "core.storage.WeightsS3Storage"},
    }
else:
    _MEDIA_STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "art_tasks.storage.PrivateFileSystemStorage"},
    }
STORAGES = {
    **_MEDIA_STORAGES,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads larger than this are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# CACHES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/
# Rate limits and lockouts count here, so every web process must share it:
# Redis whenever REDIS_URL is set; one process's memory otherwise.
# Sessions live in their own keys ("sessions"), so emptying the page cache
# signs nobody out.
if env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            # Django's RedisCache, reusing its Redis clients (core/cache.py).
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "atelier",
        },
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "atelier-session",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sessions",
        },
    }

# SESSIONS
# ------------------------------------------------------------------------------
# A signed-in page reads its session from the cache, not the database; every
# change is still written through to the database, which outlives the cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

# EMAIL
# ------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
# EMAIL_URL picks the transport: smtp+tls://user:password@host:587,
# smtps://..., consolemail:// (the default: mail is printed), dummymail://.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# A backend class named outright (DJANGO_EMAIL_BACKEND) wins over the URL's.
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST", "localhost")
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Atelier <no-reply@atelier.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# `make run` keeps a copy of every sent message for staff at /staff/mail/;
# the transport above still sends (or prints) it.
ATELIER_MAIL_STORE = env.bool("ATELIER_MAIL_STORE", default=False)
if ATELIER_MAIL_STORE:
    ATELIER_MAIL_STORE_TRANSPORT = EMAIL_BACKEND
    EMAIL_BACKEND = "accounts.mail.StoringEmailBackend"

# ATELIER RULES
# ------------------------------------------------------------------------------
ATELIER_MAX_UPLOAD_BYTES = env.int("ATELIER_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
ATELIER_MAX_UPLOAD_PIXELS = env.int("ATELIER_MAX_UPLOAD_PIXELS", default=40_000_000)
ATELIER_VOTE_QUORUM = env.int("ATELIER_VOTE_QUORUM", default=3)
ATELIER_ACCEPT_THRESHOLD = env.float("ATELIER_ACCEPT_THRESHOLD", default=3.0)
# Curation defaults; a task may override the first three (see docs/curation.md).
ATELIER_REVIEW_WINDOW_HOURS = env.int("ATELIER_REVIEW_WINDOW_HOURS", default=72)
# Bayesian "top" order: prior weight C (in votes) and the prior mean m used
# until the site mean has been measured (curation.RankingPrior).
ATELIER_RANK_PRIOR_WEIGHT = env.float("ATELIER_RANK_PRIOR_WEIGHT", default=3.0)
ATELIER_RANK_PRIOR_MEAN = env.float("ATELIER_RANK_PRIOR_MEAN", default=3.0)
# "trending": Hacker News gravity, and the age past which a work stops trending.
ATELIER_TRENDING_GRAVITY = env.float("ATELIER_TRENDING_GRAVITY", default=1.8)
ATELIER_TRENDING_DAYS = env.int("ATELIER_TRENDING_DAYS", default=30)
# Rows one run of the trending decay rewrites at most (every minute). At 1M
# works a row costs about 2 ms (an update that changes an indexed column
# writes a new entry in every index of the table), so a run stays near 3 s;
# the due rows follow the rate of acceptance (1,500 a minute keeps up with
# about 25k accepted works a day; docs/performance.md).
ATELIER_TRENDING_RUN_LIMIT = env.int("ATELIER_TRENDING_RUN_LIMIT", default=1_500)
# "discover" lays out the rounds that hold about this many works (every
# artist's best few); its periodic job reads about twice as many rows.
ATELIER_DISCOVER_WINDOW = env.int("ATELIER_DISCOVER_WINDOW", default=10_000)
# With REDIS_URL, page views are counted in Redis under this prefix and
# folded into the table every minute (gallery.services.fold_views).
ATELIER_VIEWS_KEY = env("ATELIER_VIEWS_KEY", default="atelier:views")
ATELIER_GALLERY_PAGE_SIZE = env.int("ATELIER_GALLERY_PAGE_SIZE", default=24)
# A challenge past its deadline waits this long for works submitted in time
# that are still in review, then closes without them (docs/challenges.md).
ATELIER_CHALLENGE_GRACE = timedelta(
    hours=env.float("ATELIER_CHALLENGE_GRACE_HOURS", default=48)
)
ATELIER_GENERATION_BATCH = env.int("ATELIER_GENERATION_BATCH", default=4)
# The CPPN painter's network through torch.compile (docs/performance.md):
# "auto" inside Celery tasks and `manage.py paint`, "on" everywhere, "off".
ATELIER_COMPILE = env("ATELIER_COMPILE", default="auto")
# The breeding lab (docs/lab.md): children per grid, their size, children a
# person may ask for per hour, and the Celery message priority of lab grids
# on the shared generation queue (0 is first on Redis; task seeds use 0).
ATELIER_LAB_GRID = env.int("ATELIER_LAB_GRID", default=8)
ATELIER_LAB_IMAGE_SIZE = env.int("ATELIER_LAB_IMAGE_SIZE", default=256)
ATELIER_LAB_CHILDREN_PER_HOUR = env.int("ATELIER_LAB_CHILDREN_PER_HOUR", default=240)
ATELIER_LAB_PRIORITY = env.int("ATELIER_LAB_PRIORITY", default=6)
ATELIER_TASK_SEED_PRIORITY = env.int("ATELIER_TASK_SEED_PRIORITY", default=0)
# Trained generator weights: <name>/<version>/generator.pt and checkpoint.pt.
ATELIER_MODELS_DIR = Path(env("ATELIER_MODELS_DIR", default=str(VAR_DIR / "models")))
ATELIER_CURATORS_GROUP = "curators"
# Absolute links in e-mails; warn contributors this long before a claim ends.
ATELIER_SITE_URL = env("ATELIER_SITE_URL", default="http://127.0.0.1:8000")
# A claim (or extension) shorter than twice this is warned halfway instead.
ATELIER_CLAIM_WARNING_MINUTES = env.int("ATELIER_CLAIM_WARNING_MINUTES", default=10)

# Webhooks (docs/webhooks.md). Endpoints on loopback or private addresses are
# refused unless this is on (it is with DEBUG, and in the test suite), so a
# webhook cannot be pointed at the site's own network.
ATELIER_WEBHOOKS_ALLOW_PRIVATE = env.bool(
    "ATELIER_WEBHOOKS_ALLOW_PRIVATE", default=DEBUG
)
ATELIER_WEBHOOK_TIMEOUT_SECONDS = env.float(
    "ATELIER_WEBHOOK_TIMEOUT_SECONDS", default=10.0
)
# Failed attempts are retried after 30 s, 1 min, 2 min... (each drawn between
# half and all of that, so retries of many deliveries spread out), never
# more than 3 h apart, until the delivery is a day old.
ATELIER_WEBHOOK_RETRY_BASE_SECONDS = env.float(
    "ATELIER_WEBHOOK_RETRY_BASE_SECONDS", default=30.0
)
ATELIER_WEBHOOK_RETRY_MAX_SECONDS = env.float(
    "ATELIER_WEBHOOK_RETRY_MAX_SECONDS", default=3 * 60 * 60.0
)
ATELIER_WEBHOOK_RETRY_HOURS = env.float("ATELIER_WEBHOOK_RETRY_HOURS", default=24.0)
# An endpoint is paused after this many failed attempts in a row, or when
# every attempt has failed for this many hours; its owner is told.
ATELIER_WEBHOOK_PAUSE_AFTER_FAILURES = env.int(
    "ATELIER_WEBHOOK_PAUSE_AFTER_FAILURES", default=50
)
ATELIER_WEBHOOK_PAUSE_AFTER_HOURS = env.float(
    "ATELIER_WEBHOOK_PAUSE_AFTER_HOURS", default=24.0
)
# Events whose deliveries are all done (delivered or failed) are deleted,
# with their deliveries and attempts, after this many days.
ATELIER_WEBHOOK_KEEP_DAYS = env.int("ATELIER_WEBHOOK_KEEP_DAYS", default=30)
# An upload that arrives after its claim ended is kept this long as a draft.
ATELIER_DRAFT_KEEP_HOURS = env.int("ATELIER_DRAFT_KEEP_HOURS", default=24)
# A full task's refusal is kept this long (at most) for the claim API to
# answer the next claims on it from the cache (art_tasks/claim_gate.py).
ATELIER_CLAIM_GATE_SECONDS = env.int("ATELIER_CLAIM_GATE_SECONDS", default=3)
# Rate limits, "count/period" (period: second, minute, hour, day, optionally
# with a number: "5/15minute"). One table for the API and the pages; see
# docs/operations.md. Counted per signed-in user, else per client address.
ATELIER_RATE_LIMITS = {
    "anon": env("ATELIER_ANON_THROTTLE", default="600/minute"),
    "user": env("ATELIER_USER_THROTTLE", default="1200/minute"),
    "claim": env("ATELIER_RATE_CLAIM", default="10/minute"),
    "submit": env("ATELIER_RATE_SUBMIT", default="10/minute"),
    "vote": env("ATELIER_RATE_VOTE", default="60/minute"),
    "like": env("ATELIER_RATE_LIKE", default="60/minute"),
    "report": env("ATELIER_RATE_REPORT", default="10/hour"),
    "comment": env("ATELIER_RATE_COMMENT", default="10/minute"),
    "signup": env("ATELIER_RATE_SIGNUP", default="5/hour"),
    # Failed sign-ins before the login page refuses, per account and per address.
    "login-account": env("ATELIER_RATE_LOGIN_ACCOUNT", default="5/15minute"),
    "login-ip": env("ATELIER_RATE_LOGIN_IP", default="20/15minute"),
}

# ACCOUNTS (django-allauth)
# ------------------------------------------------------------------------------
# https://docs.allauth.org/en/latest/account/configuration.html
AUTHENTICATION_BACKENDS = [
    # Loads the session's account with the top bar's count and role in one
    # query; sessions signed in before it keep the two below.
    "community.auth.SignedInBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
# "mandatory" (no sign-in before the address is confirmed), "optional" (what
# `make run` uses) or "none".
ACCOUNT_EMAIL_VERIFICATION = env("ATELIER_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Atelier] "
# Counted in the cache: "ip" per client address, "key" per account (the
# login or e-mail typed), "user" per signed-in person.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("ATELIER_LOGIN_FAILED_RATE", default="20/m/ip,5/5m/key"),
    "login": "30/m/ip",
    "signup": env("ATELIER_SIGNUP_RATE", default="20/h/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
# POST /api/v1/auth/token/: attempts per client address and per username.
ATELIER_TOKEN_RATE_IP = env("ATELIER_TOKEN_RATE_IP", default="20/minute")
ATELIER_TOKEN_RATE_ACCOUNT = env("ATELIER_TOKEN_RATE_ACCOUNT", default="10/minute")
# Named API tokens a person may hold at once.
ATELIER_MAX_API_TOKENS = env.int("ATELIER_MAX_API_TOKENS", default=20)
ATELIER_AVATAR_SIZE = 256

# CELERY
# ------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# The broker: CELERY_BROKER_URL names it outright (redis://... or
# amqp://user:password@host:5672/vhost for RabbitMQ); else Redis at
# REDIS_URL; else the filesystem broker of a first run. REDIS_URL stays the
# cache either way. See docs/operations.md, Brokers.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"


def _time_limits(kind: str, soft: int, hard: int) -> dict[str, int]:
    """Soft and hard limits in seconds; ATELIER_TIME_LIMIT_<KIND>="soft,hard"."""
    given = env.list(f"ATELIER_TIME_LIMIT_{kind.upper()}", cast=int, default=[])
    soft, hard = given if given else (soft, hard)
    if not 0 < soft < hard:
        raise ImproperlyConfigured(
            f"ATELIER_TIME_LIMIT_{kind.upper()}: the soft limit must be under the hard"
        )
    return {"soft_time_limit": soft, "time_limit": hard}


# Per kind of work. Past the soft limit the task gets SoftTimeLimitExceeded
# and fails cleanly (a job or a training run records the error); the hard
# limit kills a worker process stuck in C code.
ATELIER_TIME_LIMITS = {
    "generation": _time_limits("generation", 20 * 60, 21 * 60),
    "training": _time_limits("training", 6 * 60 * 60, 6 * 60 * 60 + 5 * 60),
    "imaging": _time_limits("imaging", 120, 180),
    "mail": _time_limits("mail", 60, 90),
    "fanout": _time_limits("fanout", 300, 360),
    "webhook": _time_limits("webhook", 60, 90),
    "housekeeping": _time_limits("housekeeping", 10 * 60, 11 * 60),
}
ATELIER_TASK_KINDS = {
    "generation.tasks.generate_seeds_task": "generation",
    "generation.tasks.train_generator_task": "training",
    "generation.tasks.paint_generator_samples_task": "generation",
    "generation.tasks.paint_lab_grid_task": "generation",
    "art_tasks.tasks.process_submission_task": "imaging",
    "art_tasks.tasks.render_studio_task": "imaging",
    "community.tasks.send_notification_email_task": "mail",
    "community.tasks.notify_followers_task": "fanout",
    "integrations.tasks.deliver_webhook_task": "webhook",
    "art_tasks.tasks.expire_claims_task": "housekeeping",
    "art_tasks.tasks.close_finished_tasks_task": "housekeeping",
    "art_tasks.tasks.delete_old_drafts_task": "housekeeping",
    "art_tasks.tasks.delete_old_studio_renders_task": "housekeeping",
    "community.tasks.notify_expiring_claims_task": "housekeeping",
    "community.tasks.close_due_challenges_task": "housekeeping",
    "curation.tasks.close_due_reviews_task": "housekeeping",
    "gallery.tasks.decay_trending_task": "housekeeping",
    "gallery.tasks.refresh_gallery_layout_task": "housekeeping",
    "gallery.tasks.fold_views_task": "housekeeping",
    "generation.tasks.sweep_stuck_work_task": "housekeeping",
    "integrations.tasks.sweep_webhook_deliveries_task": "housekeeping",
    "integrations.tasks.delete_old_webhook_events_task": "housekeeping",
}
CELERY_TASK_ANNOTATIONS = {
    name: ATELIER_TIME_LIMITS[kind] for name, kind in ATELIER_TASK_KINDS.items()
}
# A message a worker took but has not acknowledged (acks_late) goes back to
# the queue after this long on Redis. It must outlast the longest hard limit,
# or a live job is handed to a second worker; the sweeper and the job rows
# bring back work of a dead worker long before (see Broker outages).
CELERY_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT",
    default=max(limits["time_limit"] for limits in ATELIER_TIME_LIMITS.values())
    + 10 * 60,
)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 2,
        # Redis keeps one list per priority step of a queue and workers take
        # from the lowest step first: task seeds (0) before lab grids (6).
        "priority_steps": list(range(10)),
    }
elif CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        # The exchange tables, kept with the rest of the broker's state.
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
else:
    # RabbitMQ holds an unacknowledged message until its consumer goes away;
    # its own consumer_timeout (rabbitmq.conf) must exceed the longest hard
    # limit, in milliseconds (docs/operations.md, Brokers).
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # The sweeper is housekeeping: it must run even while GPU workers are busy.
    "generation.tasks.sweep_stuck_work_task": {"queue": "default"},
    # Training runs for hours: its own queue, so seed painting never waits on it.
    "generation.tasks.train_generator_task": {"queue": "training"},
    "generation.tasks.paint_generator_samples_task": {"queue": "training"},
    # Lab grids share the generation queue but wait behind task seeds.
    "generation.tasks.paint_lab_grid_task": {
        "queue": "generation",
        "priority": ATELIER_LAB_PRIORITY,
    },
    "generation.tasks.generate_seeds_task": {
        "queue": "generation",
        "priority": ATELIER_TASK_SEED_PRIORITY,
    },
    "generation.tasks.*": {"queue": "generation"},
    "art_tasks.tasks.process_submission_task": {"queue": "imaging"},
    "art_tasks.tasks.render_studio_task": {"queue": "imaging"},
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request publishing while the broker is down gives up within about a
# second; the outbox row keeps the work (see accounts/services/outbox.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# A worker cut off from the broker stops its running tasks, whose messages
# the broker hands out again; the job rows make the rerun resume, not redo.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE = {
    "notify-expiring-claims": {
        "task": "community.tasks.notify_expiring_claims_task",
        "schedule": timedelta(minutes=1),
    },
    "expire-claims": {
        "task": "art_tasks.tasks.expire_claims_task",
        "schedule": timedelta(minutes=1),
    },
    "delete-old-drafts": {
        "task": "art_tasks.tasks.delete_old_drafts_task",
        "schedule": timedelta(minutes=30),
    },
    "close-challenges": {
        "task": "community.tasks.close_due_challenges_task",
        "schedule": timedelta(minutes=5),
    },
    "delete-old-studio-renders": {
        "task": "art_tasks.tasks.delete_old_studio_renders_task",
        "schedule": timedelta(hours=1),
    },
    "close-tasks": {
        "task": "art_tasks.tasks.close_finished_tasks_task",
        "schedule": timedelta(minutes=5),
    },
    "sweep-webhook-deliveries": {
        "task": "integrations.tasks.sweep_webhook_deliveries_task",
        "schedule": timedelta(minutes=1),
    },
    "delete-old-webhook-events": {
        "task": "integrations.tasks.delete_old_webhook_events_task",
        "schedule": timedelta(hours=1),
    },
    "sweep-stuck-work": {
        "task": "generation.tasks.sweep_stuck_work_task",
        "schedule": timedelta(seconds=30),
    },
    "close-due-reviews": {
        "task": "curation.tasks.close_due_reviews_task",
        "schedule": timedelta(minutes=5),
    },
    "decay-trending": {
        "task": "gallery.tasks.decay_trending_task",
        "schedule": timedelta(minutes=1),
    },
    "refresh-gallery-layout": {
        "task": "gallery.tasks.refresh_gallery_layout_task",
        "schedule": timedelta(minutes=10),
    },
    "fold-views": {
        "task": "gallery.tasks.fold_views_task",
        "schedule": timedelta(minutes=1),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# HEALTH
# ------------------------------------------------------------------------------
# https://codingjoe.dev/django-health-check/
# /healthz: the process answers. /readyz: these checks pass (config/health.py).
# Both are plain http for the load balancer's probe, never redirected to https.
ATELIER_HEALTH_CHECKS = [
    ("health_check.checks.Database", {"alias": alias}) for alias in DATABASES
] + [
    ("health_check.checks.Cache", {"alias": "default"}),
    ("health_check.checks.Storage", {"alias": "default"}),
    ("health_check.checks.Storage", {"alias": "private"}),
    ("config.health.Broker", {}),
]
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly"
    ],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    # Counted in the shared cache by accounts.ratelimit (rates: ATELIER_RATE_LIMITS).
    "DEFAULT_THROTTLE_CLASSES": ["accounts.throttling.ApiThrottle"],
    "DEFAULT_THROTTLE_RATES": ATELIER_RATE_LIMITS,
    "NUM_PROXIES": ATELIER_NUM_PROXIES or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Atelier API",
    "DESCRIPTION": "Creation tasks, claims, submissions, curator votes, the gallery.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Views validate PATCH bodies whole, so required fields stay required.
    "COMPONENT_SPLIT_PATCH": False,
    "TAGS": [
        {
            "name": "webhooks",
            "description": (
                "Endpoints that receive events as signed JSON POSTs. Each body is "
                "`{id, type, version, created, data}` (the `WebhookPayload` schema, "
                "one per event type) with the headers `X-Atelier-Event`, "
                "`X-Atelier-Delivery`, `X-Atelier-Timestamp` and "
                "`X-Atelier-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "
                '"<t>.<body>" with the endpoint\'s secret>`. Refuse timestamps '
                "more than 5 minutes old. Failed deliveries are retried for a day "
                "with exponential back-off; an endpoint that keeps failing is "
                "paused. See docs/webhooks.md."
            ),
        }
    ],
}

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # libvips reports every resize step at INFO; its warnings still show.
    "loggers": {"pyvips": {"level": "WARNING"}},
}
