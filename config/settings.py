"""Atelier's settings, all read from the environment.

The defaults give a first run that needs no server: SQLite in WAL mode and
Celery's filesystem broker. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis. Nothing here is production-only; behaviour follows the
environment.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/
DEBUG = env.bool("DJANGO_DEBUG", default=True)
if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="atelier-insecure-development-key")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
SITE_NAME = "Atelier"

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'atelier.sqlite3'}"
    )
}
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
    "django_filters",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "art_tasks",
    "gallery",
    "generation",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "art_tasks:task-list"
LOGOUT_REDIRECT_URL = "gallery:gallery"

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "accounts.context_processors.notifications",
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads larger than this are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# EMAIL
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)

# ATELIER RULES
# ------------------------------------------------------------------------------
ATELIER_MAX_UPLOAD_BYTES = env.int("ATELIER_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
ATELIER_MAX_UPLOAD_PIXELS = env.int("ATELIER_MAX_UPLOAD_PIXELS", default=40_000_000)
ATELIER_VOTE_QUORUM = env.int("ATELIER_VOTE_QUORUM", default=3)
ATELIER_ACCEPT_THRESHOLD = env.float("ATELIER_ACCEPT_THRESHOLD", default=3.0)
# Curation defaults; a task may override the first three (see docs/curation.md).
ATELIER_REVIEW_WINDOW_HOURS = env.int("ATELIER_REVIEW_WINDOW_HOURS", default=72)
# Bayesian "top" order: prior weight C (in votes) and the prior mean m used
# until the site mean has been measured (gallery.RankingPrior).
ATELIER_RANK_PRIOR_WEIGHT = env.float("ATELIER_RANK_PRIOR_WEIGHT", default=3.0)
ATELIER_RANK_PRIOR_MEAN = env.float("ATELIER_RANK_PRIOR_MEAN", default=3.0)
# "trending": Hacker News gravity, and the age past which a work stops trending.
ATELIER_TRENDING_GRAVITY = env.float("ATELIER_TRENDING_GRAVITY", default=1.8)
ATELIER_TRENDING_DAYS = env.int("ATELIER_TRENDING_DAYS", default=30)
ATELIER_GALLERY_PAGE_SIZE = env.int("ATELIER_GALLERY_PAGE_SIZE", default=24)
ATELIER_GENERATION_BATCH = env.int("ATELIER_GENERATION_BATCH", default=4)
# Trained generator weights: <name>/<version>/generator.pt and checkpoint.pt.
ATELIER_MODELS_DIR = Path(env("ATELIER_MODELS_DIR", default=str(VAR_DIR / "models")))
ATELIER_CURATORS_GROUP = "curators"
# Absolute links in e-mails; warn contributors this long before a claim ends.
ATELIER_SITE_URL = env("ATELIER_SITE_URL", default="http://127.0.0.1:8000")
ATELIER_CLAIM_WARNING_MINUTES = env.int("ATELIER_CLAIM_WARNING_MINUTES", default=15)

# CELERY
# ------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # The visibility timeout only brings back messages of workers that died
    # silently; heartbeats and the sweeper recover those much sooner. Keep it
    # above the longest hard time limit (generation: 21 min), so a live job is
    # never handed to a second worker. See docs/operations.md, Broker outages.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "socket_connect_timeout": 2,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "generation.tasks.*": {"queue": "generation"},
    "art_tasks.tasks.process_submission_task": {"queue": "imaging"},
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
        "task": "accounts.tasks.notify_expiring_claims_task",
        "schedule": timedelta(minutes=1),
    },
    "expire-claims": {
        "task": "art_tasks.tasks.expire_claims_task",
        "schedule": timedelta(minutes=1),
    },
    "close-tasks": {
        "task": "art_tasks.tasks.close_finished_tasks_task",
        "schedule": timedelta(minutes=5),
    },
    "sweep-stuck-work": {
        "task": "art_tasks.tasks.sweep_stuck_work_task",
        "schedule": timedelta(seconds=30),
    },
    "close-due-reviews": {
        "task": "gallery.tasks.close_due_reviews_task",
        "schedule": timedelta(minutes=5),
    },
    "decay-trending": {
        "task": "gallery.tasks.decay_trending_task",
        "schedule": timedelta(minutes=15),
    },
    "refresh-gallery-layout": {
        "task": "gallery.tasks.refresh_gallery_layout_task",
        "schedule": timedelta(minutes=10),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly"
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("ATELIER_ANON_THROTTLE", default="600/minute"),
        "user": env("ATELIER_USER_THROTTLE", default="1200/minute"),
    },
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
}

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
