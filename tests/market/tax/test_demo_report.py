"""The demo city's market platform has a quarterly tax report with something in it: the second-hand sale that
was received and the skills task's paid milestone are income of the current quarter."""

from __future__ import annotations

import pytest
from django.utils import timezone
from lxml import etree

from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.models import Platform
from sharecity.market.tax import reports
from sharecity.market.tax.decree810 import Quarter
from sharecity.market.tax.dpi import dpi_schema, dpi_xml
from sharecity.market.tax.selectors import quarter_data
from sharecity.sim.demo import demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_platforms_current_quarter_report_lists_its_earning_providers():
    demo_load()
    today = timezone.now().astimezone(CITY_TZ).date()
    data = quarter_data(platform=Platform.objects.get(slug="ludao-share"),
                        quarter=Quarter(today.year, (today.month - 1) // 3 + 1))
    assert len(data.reported) >= 2
    assert all(p.verified and len(p.id_number) == 18 for p in data.providers)
    assert sum(p.gross_fen for p in data.reported) >= 280_000  # the task's first milestone
    assert len(reports.income_rows(data)) == len(data.reported)
    assert dpi_schema().validate(etree.fromstring(dpi_xml(data, message_ref="CN-DEMO", now=timezone.now())))


def test_the_demo_platforms_workers_have_their_vat_returns_prepared():
    from sharecity.market.tax.models import VatReturn, Withholding

    demo_load()
    platform = Platform.objects.get(slug="ludao-share")
    month = timezone.now().astimezone(CITY_TZ).date().replace(day=1)
    paid = set(Withholding.objects.filter(platform=platform, month=month, method="cumulative")
               .values_list("provider_id", flat=True))
    returns = VatReturn.objects.filter(platform=platform, month=month)
    assert paid and set(returns.values_list("provider_id", flat=True)) == paid
    assert all(r.exempt and r.vat_fen == 0 for r in returns)  # the demo's workers sell far below the threshold
