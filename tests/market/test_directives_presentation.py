"""An operator reads a received directive as labelled fields in the page's language, not as its JSON."""

from __future__ import annotations

from django.utils import translation

from sharecity.market.directives.presentation import payload_fields

RECALL = {
    "issued_by": "厦门市市场监督管理局", "legal_reference": "《消费品召回管理暂行规定》第十八条",
    "issued_at": "2026-12-07T03:00:00Z", "deadline": "2026-12-10T15:59:00+00:00",
    "recall_id": "RC-2026-7", "product": "儿童电动滑板车 X1 2026批", "listing_ids": ["L-1", "L-2"],
    "product_ids": [], "reason": "电池过热", "measures": ["remove_listings", "notify_buyers"],
}
EMERGENCY = {"issued_by": "厦门市人民政府", "legal_reference": "《突发事件应对法》第四十九条",
             "issued_at": "2026-12-07T03:00:00Z", "deadline": "2026-12-07T10:00:00Z", "emergency_id": "EM-1",
             "level": "II", "districts": ["350203"], "sectors": ["parking"],
             "measures": [{"kind": "freeze_prices", "detail": "价格不得高于12月1日"}],
             "effective_from": "2026-12-07T04:00:00Z", "effective_until": None}


def _shown(payload: dict) -> dict:
    return {field["key"]: (str(field["label"]), field["value"]) for field in payload_fields(payload)}


def test_a_recall_reads_in_chinese_with_city_times_and_named_measures():
    with translation.override("zh-hans"):
        shown = _shown(RECALL)
    assert shown["deadline"] == ("办理期限", "2026年12月10日 23:59")  # UTC 15:59 is 23:59 in Xiamen
    assert shown["issued_at"][1] == "2026年12月7日 11:00"
    assert shown["measures"] == ("措施", "下架相关信息、通知购买者")
    assert shown["listing_ids"][1] == "L-1、L-2"
    assert shown["product_ids"][1] == "—"
    assert list(shown)[:2] == ["issued_by", "issued_at"]  # who and when first, not the keys' alphabet


def test_an_emergency_order_reads_in_english_with_district_and_sector_names():
    with translation.override("en"):
        shown = _shown(EMERGENCY)
    assert shown["districts"] == ("Districts", "Siming")
    assert shown["sectors"][1] == "Off-peak parking"
    assert shown["measures"][1] == "Freeze prices：价格不得高于12月1日"
    assert shown["effective_from"] == ("Effective from", "7 Dec 2026, 12:00")
    assert shown["effective_until"][1] == "—"
