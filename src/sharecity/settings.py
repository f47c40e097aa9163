"""Django settings. Everything deployment-specific comes from ``sharecity.conf``."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from sharecity import conf
from sharecity.kernel import limits

BASE_DIR = Path(__file__).resolve().parent


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {value!r}")


def _env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


SECRET_KEY = conf.secret_key()
DEBUG = _env_flag("SHARECITY_DEBUG", False)

# ---- deployment: hosts, HTTPS, cookies -----------------------------------------------------------------------
# The embedded demo (`sharecity serve --demo`) answers on http://127.0.0.1:8000 under the default host
# names, which nobody else can reach the site by. A deployment names its own hosts, and from then on,
# unless SHARECITY_DEBUG is on, the site is HTTPS-only by default: redirect, HSTS, secure cookies.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "testserver", "::1", "[::1]")
ALLOWED_HOSTS = _env_list("SHARECITY_ALLOWED_HOSTS", ",".join(LOCAL_HOSTS[:3]))
CSRF_TRUSTED_ORIGINS = _env_list("SHARECITY_CSRF_TRUSTED_ORIGINS", "")
SHARECITY_HTTPS = _env_flag(
    "SHARECITY_HTTPS", not DEBUG and any(host not in LOCAL_HOSTS for host in ALLOWED_HOSTS)
)
SECURE_SSL_REDIRECT = _env_flag("SHARECITY_SSL_REDIRECT", SHARECITY_HTTPS)
# A year, the minimum the browsers' preload lists accept; 0 sends no Strict-Transport-Security header.
SECURE_HSTS_SECONDS = _env_int("SHARECITY_HSTS_SECONDS", 31_536_000 if SHARECITY_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("SHARECITY_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = _env_flag("SHARECITY_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_flag("SHARECITY_SECURE_COOKIES", SHARECITY_HTTPS)
# Pages carry the CSRF token in the form or in htmx's X-CSRFToken header; no script reads the cookie.
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = _env_flag("SHARECITY_HTTPONLY_COOKIES", True)
# Behind a reverse proxy that ends TLS: the header it sets to "https", e.g. X-Forwarded-Proto. Trust it only
# when the proxy always sets (or strips) it; otherwise a client could claim HTTPS over plain HTTP.
_PROXY_SSL_HEADER = os.environ.get("SHARECITY_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)
# How many proxies in front append to X-Forwarded-For; the client is the address the outermost one saw.
# 0 (the default) takes the connection's own address: a client could write any X-Forwarded-For.
SHARECITY_PROXY_HOPS = _env_int("SHARECITY_PROXY_HOPS", 0)

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
    "sharecity.market.fleets",
    "sharecity.market.invoices",
    "sharecity.market.qualifications",
    "sharecity.exchange",
    "sharecity.hub.registry",
    "sharecity.hub.intake",
    "sharecity.hub.monitoring",
    "sharecity.hub.directives",
    "sharecity.hub.gateway",
    "sharecity.hub.identity",
    "sharecity.hub.credit",
    "sharecity.hub.publicity",
    "sharecity.hub.audit",
    "sharecity.hub.facts",
    "sharecity.hub.evaluation",
    "sharecity.hub.enforcement",
    "sharecity.hub.warnings",
    "sharecity.hub.inspection",
    "sharecity.hub.directory",
    "sharecity.hub.opendata",
    "sharecity.hub.complaints",
    # issue 15: rights holders' notices (market) and their read model (hub)
    "sharecity.market.notices",
    "sharecity.hub.notices",
    "sharecity.hub.quota",
    # issue 17: Decree 810 tax-information reports (market) and the tax department's view of them (hub)
    "sharecity.market.tax",
    "sharecity.market.injury",
    "sharecity.hub.tax",
    "sharecity.web",
    "sharecity.sim",
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
    "sharecity.web.middleware.RateLimitMiddleware",
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

# Sign-in attempts are rate-limited per account and client address (SHARECITY_RATE_LOGIN).
AUTHENTICATION_BACKENDS = ["sharecity.web.auth.RateLimitedModelBackend"]
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
# Dates shown as DATE_FORMAT / DATETIME_FORMAT: Django's zh_Hans formats, and ours for English.
FORMAT_MODULE_PATH = ["sharecity.web.formats"]
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
# The tax department's X25519 public key (urlsafe base64) the identities of the quarterly tax report are sealed to
# (sharecity.exchange.sealing). Unset in development: a key derived from the data key (sharecity.market.tax.services).
SHARECITY_TAX_DEPARTMENT_PUBLIC_KEY = os.environ.get("SHARECITY_TAX_DEPARTMENT_PUBLIC_KEY") or None
# Rate limits (sharecity.kernel.ratelimit): COUNT/PERIOD with PERIOD in s, m, h or d ("5/15m"), or "off";
# the burst is how many may come at once (default: COUNT). Kept in the database, so they hold across processes.
SHARECITY_RATE_LIMITS = {
    # Requests from a client address that nobody signed in to and that carry no valid API or exchange key.
    "public": {"rate": os.environ.get("SHARECITY_RATE_PUBLIC", "120/m"),
               "burst": _env_int("SHARECITY_RATE_PUBLIC_BURST", 0) or None},
    # Sign-in attempts for one account from one address (web, admin): slows password guessing to a crawl.
    # A successful sign-in gives the allowance back.
    "login": {"rate": os.environ.get("SHARECITY_RATE_LOGIN", "5/15m"),
              "burst": _env_int("SHARECITY_RATE_LOGIN_BURST", 0) or None},
    # Messages (envelopes) one platform pushes to the HTTPS gateway, /exchange/v1/batches. The burst must
    # hold the largest batch a platform's relay sends (1,000 envelopes; the client sends 200).
    "exchange": {"rate": os.environ.get("SHARECITY_RATE_EXCHANGE", "500/s"),
                 "burst": _env_int("SHARECITY_RATE_EXCHANGE_BURST", 10_000) or None},
}
# Days of simulated city life the demo (`sharecity demo`, `serve --demo`) gets before today; 0: none.
SHARECITY_DEMO_SIM_DAYS = _env_int("SHARECITY_DEMO_SIM_DAYS", 14)
# What a month without income does to the month count of a platform worker's basic deduction
# (国家税务总局公告2025年第16号 第一条: "连续取得劳务报酬的月份数"): restart, months_with_income or since_first.
# sharecity.market.tax.rules explains each and why restart is the default.
SHARECITY_TAX_GAP_RULE = os.environ.get("SHARECITY_TAX_GAP_RULE", "restart")
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
# The city a regulator belongs to when none is given (GB/T 2260): Xiamen, the demo's city.
SHARECITY_DEFAULT_CITY = os.environ.get("SHARECITY_DEFAULT_CITY", "350200")
# The city's yardstick for a complaint left unanswered (docs/dev/facts.md), in hours after filing.
SHARECITY_HUB_COMPLAINT_ANSWER_HOURS = int(os.environ.get("SHARECITY_HUB_COMPLAINT_ANSWER_HOURS", "48"))

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

# The tax authority's e-invoice issuing service behind market.invoices.issuers.InvoiceIssuer (a dotted path);
# the fake numbers invoices locally for the demo and the tests.
SHARECITY_INVOICE_ISSUER = os.environ.get("SHARECITY_INVOICE_ISSUER",
                                          "sharecity.market.invoices.issuers.FakeInvoiceIssuer")
