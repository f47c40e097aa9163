"""The price shown before commit: every fee in the total."""

import pytest

from sharecity.market.pricing.errors import InvalidQuote
from sharecity.market.pricing.quote import Fee, quote_build


def test_quote_with_fees_per_order_and_per_unit():
    quote = quote_build(unit_price_fen=30_000, units=3, quantity=2, fees=[
        {"code": "cleaning", "label_zh": "清洁费", "label_en": "Cleaning", "fen": 5_000, "per": "order"},
        Fee(code="service", fen=200, per="unit", label_zh="服务费", label_en="Service"),
    ])
    assert [(line.code, line.unit_fen, line.count, line.amount_fen) for line in quote.lines] == [
        ("price", 30_000, 6, 180_000), ("cleaning", 5_000, 1, 5_000), ("service", 200, 6, 1_200)]
    assert (quote.subtotal_fen, quote.fees_fen, quote.total_fen) == (180_000, 6_200, 186_200)


def test_quote_without_fees_is_the_price():
    quote = quote_build(unit_price_fen=800, units=2, quantity=1, fees=[])
    assert (quote.subtotal_fen, quote.fees_fen, quote.total_fen) == (1_600, 0, 1_600)


def test_labels_follow_the_language():
    from django.utils import translation

    quote = quote_build(unit_price_fen=1, units=1, quantity=1,
                        fees=[{"code": "c", "label_zh": "清洁费", "label_en": "Cleaning", "fen": 1}])
    with translation.override("en"):
        assert quote.lines[1].label == "Cleaning"
    with translation.override("zh-hans"):
        assert quote.lines[1].label == "清洁费"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"unit_price_fen": -1, "units": 1, "quantity": 1}, "unit_price_fen"),
    ({"unit_price_fen": 100, "units": 0, "quantity": 1}, "units"),
    ({"unit_price_fen": 100, "units": 1, "quantity": 0}, "quantity"),
    ({"unit_price_fen": 100, "units": 1, "quantity": 1, "fees": [{"code": "x", "fen": 1, "per": "night"}]},
     "fees.per"),
    ({"unit_price_fen": 100, "units": 1, "quantity": 1, "fees": [{"code": "x", "fen": -5}]}, "fees.fen"),
])
def test_bad_quote_inputs_name_the_field(kwargs, field):
    with pytest.raises(InvalidQuote) as caught:
        quote_build(**kwargs)
    assert caught.value.field == field
