"""A received directive's payload as an operator reads it: labelled fields in the page's language, times
in city time, codes (measures, lists, results) named, districts and sectors by name. The stored payload
stays as the hub sent it; the API returns it as is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sharecity.kernel.districts import district_name
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.platforms.models import Sector

# The payload's fields in the order a reader wants them; a field not listed comes after, by its key.
LABELS = {
    # The authority that issued an order (发布机关), not the grantor of a licence that "Issued by" means elsewhere.
    "issued_by": pgettext_lazy("directive", "Issued by"), "issued_at": _("Issued"), "deadline": _("Deadline"),
    "legal_reference": _("Legal basis"), "case_id": _("Case number"), "recall_id": _("Recall number"),
    "emergency_id": _("Emergency number"), "inspection_kind": _("Kind of inspection"),
    "subject_type": _("Inspected"), "subject_id": _("Subject inspected"), "inspected_at": _("Inspected at"),
    "result": _("Result"), "findings": _("Findings"), "product": _("Product, model and batch"),
    "reason": _("Reason"), "listing_ids": _("Listings concerned"), "product_ids": _("Product identifiers"),
    "order_ids": _("Orders concerned"), "subject_key": _("Subject"), "subject_keys": _("Subjects"),
    "subject_kind": _("Kind of subject"), "credit_list": _("Credit list"), "action": _("Change"),
    "request": _("What is asked"), "confidential": _("Confidential"), "level": _("Response level"),
    "districts": _("Districts"), "sectors": _("Sectors"), "measures": _("Measures"),
    "effective_at": _("Effective from"), "effective_from": _("Effective from"), "expires_at": _("Expires"),
    "effective_until": _("Effective until"),
}
VALUES = {
    "inspection_kind": {"random_spot_check": _("Random spot check (双随机一公开)"),
                        "targeted": _("Targeted inspection"), "complaint_driven": _("Inspection after a complaint")},
    "subject_type": {"platform": _("The platform"), "listing": _("A listing"), "subject": _("A business or person")},
    "result": {"pass": _("Passed"), "fail": _("Failed")},
    "subject_kind": {"person": _("Person"), "business": _("Business")},
    "credit_list": {"red": _("Red list (红名单)"), "black": _("Black list (黑名单)"),
                    "watch": _("Watch list (重点关注)")},
    "action": {"added": _("Put on the list"), "removed": _("Taken off the list")},
    "measures": {"remove_listings": _("Remove the listings"), "stop_sales": _("Stop sales"),
                 "notify_buyers": _("Notify the buyers"), "refund_buyers": _("Refund the buyers"),
                 "collect_products": _("Collect the products")},
    "kind": {"suspend_service": _("Suspend the service"), "limit_capacity": _("Limit capacity"),
             "freeze_prices": _("Freeze prices"), "publish_notice": _("Publish a notice"),
             "report_daily": _("Report daily"), "other": _("Other measure")},
}
TIMES = {"issued_at", "deadline", "inspected_at", "effective_at", "effective_from", "expires_at", "effective_until"}


def _time(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return formats.date_format(moment.astimezone(CITY_TZ), "DATETIME_FORMAT")


def _finding(item: dict) -> str:
    basis = item.get("legal_reference")
    return f"{item.get('description', '')}（{basis}）" if basis else str(item.get("description", ""))


def _value(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if key in TIMES and isinstance(value, str):
        return _time(value)
    if key == "districts":
        return "、".join(district_name(str(code), language=get_language() or "zh-hans") or str(code) for code in value)
    if key == "sectors":
        labels = dict(Sector.choices)
        return "、".join(str(labels.get(code, code)) for code in value)
    if key == "findings":
        return "；".join(_finding(item) for item in value if isinstance(item, dict))
    if key == "measures" and value and isinstance(value[0], dict):
        return "；".join(f"{VALUES['kind'].get(item.get('kind'), item.get('kind'))}：{item.get('detail', '')}"
                        for item in value)
    named = VALUES.get(key, {})
    if isinstance(value, list):
        return "、".join(str(named.get(item, item)) for item in value)
    return str(named.get(value, value))


def payload_fields(payload: dict) -> list[dict]:
    """``[{"key", "label", "value", "code"}]``: ``code`` marks identifiers (ids, keys) shown as codes."""
    order = list(LABELS)
    keys = sorted(payload, key=lambda key: (order.index(key) if key in order else len(order), key))
    return [{"key": key, "label": LABELS.get(key, key), "value": _value(key, payload[key]),
             "code": key.endswith(("_id", "_ids", "_key", "_keys"))} for key in keys]
