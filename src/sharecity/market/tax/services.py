"""Writes for the Decree 810 reports: filing a quarter's report on the exchange."""

from __future__ import annotations

import base64
import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sharecity.exchange.schemas import payload_build
from sharecity.exchange.sealing import department_public_key, key_id, seal, seal_context
from sharecity.kernel.errors import Conflict
from sharecity.kernel.models import User
from sharecity.kernel.services import audit_record, outbox_enqueue
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.models import Platform
from sharecity.market.tax import reports
from sharecity.market.tax.decree810 import quarter_parse
from sharecity.market.tax.models import QuarterlyFiling
from sharecity.market.tax.selectors import quarter_data

MESSAGE_TYPE = "tax.quarterly_report"


def tax_department_public_key() -> str:
    """The tax department's X25519 public key (``SHARECITY_TAX_DEPARTMENT_PUBLIC_KEY``); in development, when
    unset, the public half of a key derived from the deployment's data key."""
    configured = settings.SHARECITY_TAX_DEPARTMENT_PUBLIC_KEY
    if configured:
        return configured
    derived = hashlib.sha256(b"sharecity development tax department key:" + settings.SHARECITY_DATA_KEY).digest()
    return department_public_key(base64.urlsafe_b64encode(derived).decode())


def quarterly_report_file(*, actor: User | None, platform: Platform, year: int, quarter: int,
                          now=None) -> QuarterlyFiling:
    """Send the quarter's report (国务院令第810号 第四条第一款) on the exchange, in parts, with each provider's
    name and identity number sealed to the tax department's key; record the filing and its audit row."""
    period = quarter_parse(year, quarter)
    today = (now or timezone.now()).astimezone(CITY_TZ).date()
    if period.last_day >= today:
        raise Conflict(_("The quarter has not ended yet: its report is filed after %(day)s.")
                       % {"day": period.last_day.isoformat()}, field="quarter", code="tax.quarter_not_ended")
    data = quarter_data(platform=platform, quarter=period)
    public_key = tax_department_public_key()
    recipient = key_id(public_key)
    report_id = f"TAX-{period.label}-{uuid.uuid4().hex[:12]}"

    def sealed(value: str, field: str) -> dict:
        return seal(value, recipient_public_key=public_key,
                    context=seal_context(MESSAGE_TYPE, 1, field)).model_dump()

    parts = reports.payload_parts(data, report_id=report_id, recipient_key_id=recipient, seal=sealed)
    with transaction.atomic():
        filing = QuarterlyFiling.objects.create(
            platform=platform, year=period.year, quarter=period.quarter, report_id=report_id, parts=len(parts),
            provider_count=len(data.providers), exempt_count=len(data.providers) - len(data.reported),
            gross_fen=sum(p.gross_fen for p in data.reported), recipient_key_id=recipient, filed_by=actor)
        audit_record(actor=actor, action="tax.quarterly_report.file", target_type="tax_filing",
                     target_id=filing.public_id, platform_id=platform.exchange_id,
                     data={"report_id": report_id, "year": period.year, "quarter": period.quarter,
                           "parts": len(parts), "providers": len(data.providers)})
        for part in parts:
            outbox_enqueue(platform_id=platform.exchange_id, message_type=MESSAGE_TYPE,
                           payload=payload_build(MESSAGE_TYPE, **part))
    return filing
