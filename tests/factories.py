"""Builders for test data, all going through the real services (no direct model writes)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from sharecity.kernel.ids import credit_code_with_check_char, resident_id_with_check_digit
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.accounts.services import provider_verify
from sharecity.market.parking.services import space_create
from sharecity.market.parking.windows import WeeklyWindow
from sharecity.market.platforms.models import JoinedVia
from sharecity.market.platforms.services import api_key_issue, platform_create, platform_join

_counter = itertools.count(1)

ALL_WEEK = [WeeklyWindow(day, dt.time(0), dt.time(0)) for day in range(7)]


def credit_code(n: int | None = None, *, division: str | None = None) -> str:
    """A valid unified social credit code; ``division`` (GB/T 2260) is its registration authority."""
    n = next(_counter) if n is None else n
    if division:
        return credit_code_with_check_char(f"91{division}{n:09d}")
    return credit_code_with_check_char(f"9135020{n:010d}")


def resident_id(n: int | None = None) -> str:
    n = next(_counter) if n is None else n
    # 350200 is a region code valid for people born in 1980 in stdnum's GB/T 2260 history.
    return resident_id_with_check_digit(f"35020019800101{n % 1000:03d}")


def make_platform(*, slug: str | None = None, name: str | None = None, credit_code_: str | None = None):
    """A platform; its credit code names Xiamen's registration authority (350200) unless ``credit_code_``
    is given (characters 3 to 8 are where it is registered, which puts it in that jurisdiction)."""
    n = next(_counter)
    return platform_create(
        actor=None,
        slug=slug or f"platform-{n}",
        name=name or f"测试平台{n}",
        credit_code=credit_code_ or credit_code(n),
        sectors=["parking"],
    )


def make_user(username: str | None = None, *, password: str = "pw-for-tests-123",  # noqa: S107
              platform=None) -> User:
    """A person; with ``platform``, one who has used it signed in (so its API keys may act for them)."""
    user = User.objects.create_user(username or f"user{next(_counter)}", password=password)
    if platform is not None:
        platform_join(platform=platform, user=user, via=JoinedVia.SESSION)
    return user


def make_provider(platform, username: str | None = None) -> User:
    user = make_user(username, platform=platform)
    provider_verify(
        actor=user, user=user, kind="person", legal_name="测试人", id_number=resident_id(), platform=platform
    )
    return user


def make_space(
    platform,
    provider,
    *,
    district: str = "350203",
    price_fen: int = 800,
    windows=None,
    vehicle_size: str = "standard",
    title: str = "测试车位",
):
    return space_create(
        actor=provider,
        platform=platform,
        provider=provider,
        title=title,
        district_code=district,
        address="厦门市思明区测试路1号",
        vehicle_size=vehicle_size,
        price_per_hour_fen=price_fen,
        windows=windows if windows is not None else ALL_WEEK,
    )


def api_key(platform) -> str:
    return api_key_issue(actor=None, platform=platform, label="tests")[1]


def next_slot(hours_ahead: int = 1) -> dt.datetime:
    """A half-hour boundary in city time, ``hours_ahead`` hours from now."""
    now = timezone.now().astimezone(CITY_TZ) + dt.timedelta(hours=hours_ahead)
    return now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)


def current_slot() -> dt.datetime:
    """The half-hour slot that has already begun (bookable, and completable at once)."""
    now = timezone.now().astimezone(CITY_TZ)
    return now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
