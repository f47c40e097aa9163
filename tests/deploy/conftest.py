"""Time under the tests' control for the rate limits, and lowered limits to reach them quickly."""

from __future__ import annotations

import pytest

from sharecity.kernel import ratelimit


class Clock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The rate limits' clock, stopped at a fixed moment; ``clock.advance(s)`` moves it on."""
    fake = Clock(1_800_000_000.0)
    monkeypatch.setattr(ratelimit, "clock", fake)
    return fake


@pytest.fixture
def limits(settings):
    """Set some limits (``limits(public="3/m")``), leaving the others at their defaults."""

    def set_limits(**rates: str | tuple[str, int]) -> None:
        configured = {scope: dict(config) for scope, config in settings.SHARECITY_RATE_LIMITS.items()}
        for scope, rate in rates.items():
            text, burst = (rate, None) if isinstance(rate, str) else rate
            configured[scope] = {"rate": text, "burst": burst}
        settings.SHARECITY_RATE_LIMITS = configured

    return set_limits
