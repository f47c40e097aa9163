"""Intake's handler of ``notice.state_changed``: one row per notice, idempotent and order-tolerant.

A step reported again changes nothing; a step arriving after a later one adds itself to the timeline
but does not roll back the fields the later one set.
"""

from __future__ import annotations

import datetime as dt

from sharecity.hub.notices.models import NoticeFact
from sharecity.kernel.districts import DISTRICTS

FIELDS = ("right_kind", "filed_at", "measure", "measure_at", "forwarded_at", "counter_noticed_at",
          "counter_forwarded_at", "restore_due_at", "complaint_kind", "complaint_reported_at", "restored_at",
          "outcome", "wrong_notice", "malicious")


def notice_state_changed(*, envelope, payload) -> None:
    row = NoticeFact.objects.filter(platform_id=envelope.platform_id, notice_id=payload.notice_id).first()
    # Times in UTC, so the timeline sorts by its text whatever offset the platform wrote.
    entry = {"step": payload.step, "at": payload.step_at.astimezone(dt.UTC).isoformat(),
             "actor_role": payload.actor_role}
    district = payload.districts[0]
    city = DISTRICTS[district].city_code if district in DISTRICTS else ""
    if row is None:
        row = NoticeFact(platform_id=envelope.platform_id, notice_id=payload.notice_id, steps=[],
                         last_step=payload.step, last_step_at=payload.step_at, filed_at=payload.filed_at)
    elif entry in row.steps:
        return
    row.steps = sorted([*row.steps, entry], key=lambda e: e["at"])
    if row.pk is None or payload.step_at >= row.last_step_at:
        row.last_step, row.last_step_at = payload.step, payload.step_at
        row.district_code, row.city_code = district, city
        row.districts, row.listing_ids = list(payload.districts), list(payload.listing_ids)
        for name in FIELDS:
            value = getattr(payload, name)
            setattr(row, name, "" if value is None and name == "complaint_kind" else value)
    row.save()
