"""Time is stored in UTC and shown in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Shanghai")


def city_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=CITY_TZ)


def require_aware(moment: dt.datetime) -> dt.datetime:
    """Naive datetimes from forms or the API are taken as city time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CITY_TZ)
    return moment
