"""Rate limits that hold across every web process: one row per (scope, key) in the database.

Each limit is a rate (``COUNT/PERIOD``) and a burst, kept as the generic cell rate algorithm
(GCRA, ITU-T I.371): a row holds the *theoretical arrival time* ``tat``, the moment by which
everything taken so far would have been paid off at the steady rate. A hit of cost ``c`` moves
``tat`` on by ``c`` intervals and is allowed while ``tat`` stays within ``burst`` intervals of now.
One conditional ``UPDATE`` both tests and takes, so two processes never both take the last unit,
and the embedded deployment needs no cache server.

The scopes are settings (``SHARECITY_RATE_LIMITS``): ``public`` (requests nobody signed in to, per
client address), ``login`` (sign-in attempts per account and address) and ``exchange`` (messages a
platform pushes to the HTTPS gateway).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F, FloatField, Value
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils.translation import ngettext

from sharecity.kernel.errors import ShareCityError
from sharecity.kernel.models import RateLimitBucket

# The clock the limits read (seconds since the epoch). Tests replace it to move time on.
clock = time.time

# A bucket whose tat is this far in the past is as full as a missing one; rows that old are removed
# whenever a new bucket is made, so the table holds only keys seen in the last minute or so.
_STALE_SECONDS = 60.0

# Processes read their clocks a little apart: a hit whose clock read a few milliseconds before the
# hit that made the row would otherwise be judged short of the burst. Forgive that much skew, never
# as much as half an interval, so no hit beyond the burst can pass on it.
_CLOCK_SKEW_SECONDS = 0.05

_PERIOD_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd]?)\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    period: float  # seconds
    burst: int

    @property
    def interval(self) -> float:
        """Seconds one unit takes to come back."""
        return self.period / self.count

    @property
    def tolerance(self) -> float:
        return self.burst * self.interval


def rate_parse(text: str, *, burst: int | None = None, name: str = "rate") -> Rate | None:
    """``"120/m"``, ``"5/15m"``, ``"500/s"`` or ``"1000/10"`` (seconds); ``"off"`` or ``""`` is no limit.
    The burst defaults to the count: that many at once, then the steady rate."""
    if text.strip().lower() in {"", "off", "0", "none"}:
        return None
    match = _RATE.match(text.lower())
    if match is None or int(match.group(1)) < 1 or match.group(2) == "0":
        raise ImproperlyConfigured(f"{name} must be COUNT/PERIOD such as 120/m, 5/15m or 500/s, or off; not {text!r}")
    count = int(match.group(1))
    period = int(match.group(2) or 1) * _PERIOD_UNITS[match.group(3) or "s"]
    if burst is not None and burst < 1:
        raise ImproperlyConfigured(f"the burst of {name} must be at least 1, not {burst}")
    return Rate(count=count, period=float(period), burst=burst or count)


def rate_for(scope: str) -> Rate | None:
    config = settings.SHARECITY_RATE_LIMITS.get(scope)
    if config is None:
        raise ImproperlyConfigured(f"SHARECITY_RATE_LIMITS has no {scope!r} limit")
    burst = config.get("burst")
    return rate_parse(str(config["rate"]), burst=None if burst is None else int(burst),
                      name=f"SHARECITY_RATE_{scope.upper()}")


class RateLimited(ShareCityError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, *, retry_after: int, message: str | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message or ngettext(
            "Too many requests: try again in %(seconds)d second.",
            "Too many requests: try again in %(seconds)d seconds.", retry_after) % {"seconds": retry_after})


def _bucket(scope: str, key: str) -> str:
    # Keys may be long (a user name and an address) or personal: store a digest.
    return hashlib.sha256(f"{scope}\x00{key}".encode()).hexdigest()


def _retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds))


def ratelimit_hit(*, scope: str, key: str, cost: int = 1) -> None:
    """Take ``cost`` units from ``key``'s allowance in ``scope``, or raise ``RateLimited`` (taking nothing).

    A cost above the burst passes when the allowance is full, so one large delivery is never refused for ever.
    """
    rate = rate_for(scope)
    if rate is None:
        return
    now = clock()
    bucket = _bucket(scope, key)
    step = max(cost, 1) * rate.interval
    allowance = max(rate.tolerance, step) + min(_CLOCK_SKEW_SECONDS, rate.interval / 2)
    while True:
        taken = RateLimitBucket.objects.filter(key=bucket, tat__lte=now + allowance - step).update(
            tat=Greatest(F("tat"), Value(now, output_field=FloatField())) + Value(step, output_field=FloatField())
        )
        if taken:
            return
        tat = RateLimitBucket.objects.filter(key=bucket).values_list("tat", flat=True).first()
        if tat is not None:
            raise RateLimited(retry_after=_retry_after(tat + step - allowance - now))
        try:
            with transaction.atomic():
                RateLimitBucket.objects.filter(tat__lt=now - _STALE_SECONDS).delete()
                RateLimitBucket.objects.create(key=bucket, scope=scope, tat=now + step)
            return
        except IntegrityError:
            continue  # another process made the row first: take from it as usual


def ratelimit_check(*, scope: str, key: str, cost: int = 1) -> None:
    """Raise ``RateLimited`` if a hit of ``cost`` would be refused now; take nothing either way."""
    rate = rate_for(scope)
    if rate is None:
        return
    now = clock()
    step = max(cost, 1) * rate.interval
    allowance = max(rate.tolerance, step) + min(_CLOCK_SKEW_SECONDS, rate.interval / 2)
    tat = RateLimitBucket.objects.filter(key=_bucket(scope, key)).values_list("tat", flat=True).first()
    if tat is not None and tat > now + allowance - step:
        raise RateLimited(retry_after=_retry_after(tat + step - allowance - now))


def ratelimit_reset(*, scope: str, key: str) -> None:
    """Give ``key`` its whole allowance back (e.g. after a successful sign-in)."""
    RateLimitBucket.objects.filter(key=_bucket(scope, key)).delete()


def client_address(request: HttpRequest) -> str:
    """The client's address as the outermost trusted proxy saw it (``SHARECITY_PROXY_HOPS``).

    IPv6 addresses count by their /64 network: one subscriber usually holds a whole /64.
    """
    address = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.SHARECITY_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-min(hops, len(forwarded))]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if parsed.version == 6 and parsed.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed.ipv4_mapped or parsed) if parsed.version == 6 else str(parsed)


@register()
def rate_limits_check(app_configs, **kwargs) -> list[Error]:
    """Bad limits stop `check` (and so `serve` and `migrate`) with the variable named, not the first request."""
    errors = []
    for scope in settings.SHARECITY_RATE_LIMITS:
        try:
            rate_for(scope)
        except ImproperlyConfigured as error:
            errors.append(Error(str(error), id="sharecity.E001"))
    return errors
