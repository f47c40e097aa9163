"""``sharecity manage fleets_report``: a platform's fleet CSV goes to the outbox as fleet.reported; a bad row
refuses the whole file naming its line and field."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sharecity.kernel.models import OutboxMessage
from sharecity.market.fleets.models import FleetReport
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = ("report_id,city,zone,period_start,period_end,vehicles_deployed,vehicles_good,parking_checked,"
          "parking_compliant,dispatch_requests,dispatch_response_minutes\n")


def test_rows_become_fleet_reported_messages(tmp_path):
    platform = factories.make_platform(slug="bike-csv")
    path = tmp_path / "fleet.csv"
    path.write_text(HEADER + "Q3-i,350200,island,2025-07-01,2025-09-30,700,650,200,190,10,25\n"
                             "Q3-o,350200,off-island,2025-07-01,2025-09-30,300,290,80,80,0,\n", encoding="utf-8")
    call_command("fleets_report", "--platform", "bike-csv", "--file", str(path))
    messages = OutboxMessage.objects.filter(platform_id=platform.exchange_id, message_type="fleet.reported")
    assert sorted(m.payload["zone"] for m in messages) == ["island", "off-island"]
    assert FleetReport.objects.filter(platform=platform).count() == 2


@pytest.mark.parametrize(("row", "named"), [
    ("Q3-i,350200,island,2025-07-01,2025-09-30,-7,0,0,0,0,\n", "line 3: vehicles_deployed"),
    ("Q3-i,350200,island,2025-07-01,2025-09-30,7,9,0,0,0,\n", "line 3: vehicles_good"),
    ("Q3-i,350200,is\x1bland,2025-07-01,2025-09-30,7,7,0,0,0,\n", "line 3: zone"),
])
def test_a_bad_row_refuses_the_file(tmp_path, row, named):
    platform = factories.make_platform(slug="bike-bad")
    path = tmp_path / "fleet.csv"
    path.write_text(HEADER + "ok-1,350200,island,2025-07-01,2025-09-30,1,1,0,0,0,\n" + row, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("fleets_report", "--platform", "bike-bad", "--file", str(path))
    assert named in str(error.value) and error.value.returncode == 2
    assert not OutboxMessage.objects.filter(platform_id=platform.exchange_id, message_type="fleet.reported").exists()
