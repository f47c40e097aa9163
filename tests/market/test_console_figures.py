"""The operator console's tiles: counts now, the last 7 days against the 7 before, a sparkline; the same
figures through the API, for the platform's staff only."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.moderation.models import CaseStatus, ModerationCase
from sharecity.market.platforms.selectors import console_figures
from sharecity.market.platforms.services import operator_add
from tests import factories

pytestmark = pytest.mark.django_db


def _case(platform, *, days_ago: int, status: str = CaseStatus.OPEN) -> None:
    case = ModerationCase.objects.create(platform=platform, subject_type="listing", subject_id=str(uuid.uuid4()),
                                         text="待审核", status=status)
    ModerationCase.objects.filter(pk=case.pk).update(opened_at=timezone.now() - dt.timedelta(days=days_ago))


@pytest.fixture
def world():
    platform = factories.make_platform(slug="ludao", name="鹭岛共享")
    other = factories.make_platform(slug="jinmen", name="津门生活")
    staff = factories.make_user("staff")
    operator_add(actor=None, platform=platform, user=staff)
    _case(platform, days_ago=0)
    _case(platform, days_ago=0)
    _case(platform, days_ago=1, status=CaseStatus.DECIDED)
    _case(platform, days_ago=9)
    _case(platform, days_ago=20)  # before the fortnight: pending, but in no day of the sparkline
    _case(other, days_ago=0)
    return platform, other, staff


def test_moderation_tile_counts_what_waits_and_compares_the_two_weeks(world):
    platform, _other, _staff = world
    figures = {figure["code"]: figure for figure in console_figures(platform=platform)}
    moderation = figures["moderation_pending"]
    assert moderation["now"] == 4  # open cases, whenever opened; not the decided one, not another platform's
    assert (moderation["last_7"], moderation["previous_7"]) == (3, 1)
    assert len(moderation["daily"]) == 14 and moderation["daily"][-1] == 2
    assert moderation["first_day"] == timezone.now().astimezone(CITY_TZ).date() - dt.timedelta(days=13)
    assert figures["orders"]["now"] == 0 and figures["complaints_open"]["now"] == 0


def test_console_tiles_show_the_figures_with_a_sparkline_in_chinese(world):
    platform, _other, staff = world
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(staff)
    page = client.get(f"/p/{platform.slug}/operator/").text
    assert 'data-testid="figure-moderation_pending">4<' in page
    assert "待审核的发布信息" in page and "最近 7 天 3 件，此前 7 天 1 件" in page
    assert page.count('class="sparkline"') == 3


def test_the_api_gives_the_console_figures_to_staff_only(world):
    platform, other, staff = world
    client = Client()
    assert client.get(f"/api/v1/p/{platform.slug}/console/figures").status_code == 401
    client.force_login(staff)
    answer = client.get(f"/api/v1/p/{platform.slug}/console/figures")
    assert answer.status_code == 200
    moderation = next(figure for figure in answer.json() if figure["code"] == "moderation_pending")
    assert (moderation["now"], moderation["last_7"], moderation["previous_7"]) == (4, 3, 1)
    refused = client.get(f"/api/v1/p/{other.slug}/console/figures")
    assert refused.status_code == 403 and refused.json()["field"] == "actor"


@pytest.mark.parametrize(("language", "rechecks", "qualifications"), [
    ("zh-hans", "实名复核", "仪器上机资格"), ("en", "Identity re-checks", "Instrument qualifications"),
])
def test_the_console_links_to_identity_rechecks_and_instrument_qualifications(world, language, rechecks,
                                                                              qualifications):
    platform, _other, staff = world
    client = Client(headers={"accept-language": language})
    client.force_login(staff)
    page = client.get(f"/p/{platform.slug}/operator/").text
    for testid, label, url in (("tool-identity-rechecks", rechecks, f"/p/{platform.slug}/identity-rechecks/"),
                               ("tool-qualifications", qualifications, f"/p/{platform.slug}/qualifications/")):
        assert f'<a href="{url}" data-testid="{testid}">{label}</a>' in page
        assert client.get(url).status_code == 200
