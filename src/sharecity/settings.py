"""Django settings. Everything deployment-specific comes from ``sharecity.conf``."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from sharecity import conf
from sharecity.kernel import limits

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = conf.secret_key()
DEBUG = os.environ.get("SHARECITY_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("SHARECITY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SHARECITY_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "sharecity.kernel",
    "sharecity.market.platforms",
    "sharecity.market.accounts",
    "sharecity.market.parking",
    "sharecity.market.reviews",
    "sharecity.market.complaints",
    "sharecity.market.directives",
    "sharecity.market.catalog",
    "sharecity.market.listings",
    "sharecity.market.moderation",
    "sharecity.market.availability",
    "sharecity.market.payments",
    "sharecity.market.pricing",
    "sharecity.market.orders",
    "sharecity.market.disputes",
    "sharecity.market.messaging",
    "sharecity.exchange",
    "sharecity.hub.registry",
    "sharecity.hub.intake",
    "sharecity.hub.monitoring",
    "sharecity.hub.directives",
    "sharecity.hub.gateway",
    "sharecity.hub.identity",
    "sharecity.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sharecity.market.platforms.middleware.PlatformMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "sharecity.urls"
WSGI_APPLICATION = "sharecity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sharecity.web.context_processors.roles",
            ],
        },
    },
]


def _database() -> dict:
    config = dj_database_url.parse(conf.database_url(), conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions take the write lock up front, so a check-then-insert
        # (e.g. "is this slot free?") cannot interleave with another writer.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
        # A file, not ":memory:", so that threads in concurrency tests see one database.
        config["TEST"] = {"NAME": str(conf.var_dir() / "test-sharecity.sqlite3")}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "kernel.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = conf.var_dir() / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

SHARECITY_BUS = conf.bus_url()
SHARECITY_DATA_KEY = conf.data_key()
# The city-issued key under which every platform computes the same party keys (pseudonyms).
# Unset in development: a key derived from the data key links records within this deployment.
SHARECITY_PSEUDONYM_KEY = os.environ.get("SHARECITY_PSEUDONYM_KEY") or None
# Seconds a background loop sleeps when it found nothing to do.
SHARECITY_WORKER_IDLE_SECONDS = float(os.environ.get("SHARECITY_WORKER_IDLE_SECONDS", "0.5"))
# Exchange bounds (docs/exchange/README.md, "Limits"): a price or an amount above this many fen, and
# a time that says when something happened more than this many seconds ahead of the hub's clock,
# are refused naming the field and the bound.
SHARECITY_EXCHANGE_MAX_AMOUNT_FEN = int(os.environ.get("SHARECITY_EXCHANGE_MAX_AMOUNT_FEN",
                                                       str(limits.AMOUNT_FEN_CEILING)))
SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS = int(os.environ.get("SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS",
                                                           str(limits.CLOCK_SKEW_SECONDS)))
# How far past a platform's last applied sequence a message may be and still wait for the ones
# before it (a gap); anything further is quarantined as implausible, since a gap that large
# would hold the platform's chain open for messages it never sent.
SHARECITY_INTAKE_SEQUENCE_WINDOW = int(os.environ.get("SHARECITY_INTAKE_SEQUENCE_WINDOW", "100000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHARECITY_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The embedded task worker runs in batches; its per-batch start/stop lines are noise.
        "django_tasks_db": {"level": "WARNING"},
    },
}

