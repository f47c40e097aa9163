"""Amounts in Chinese capital numerals (《会计基础工作规范》第五十二条第(三)、(五)项)."""

from __future__ import annotations

import pytest

from sharecity.kernel.errors import InvalidInput
from sharecity.market.invoices.words import amount_in_words


@pytest.mark.parametrize(("fen", "words"), [
    (10_350, "壹佰零叁元伍角整"),  # the brief's example: 103.50
    (0, "零元整"),
    (5, "伍分"),
    (50, "伍角整"),
    (105, "壹元零伍分"),  # jiao zero, fen not: 零 written
    (168_032, "壹仟陆佰捌拾元叁角贰分"),  # yuan digit zero, jiao not: 零 left out (allowed by the article)
    (1_000, "壹拾元整"),  # 壹拾, never a bare 拾
    (1_001_00, "壹仟零壹元整"),
    (1_010_00, "壹仟零壹拾元整"),
    (100_000_00, "壹拾万元整"),
    (100_010_00, "壹拾万零壹拾元整"),
    (1_0000_0000_00, "壹亿元整"),
    (1_0000_0100_00, "壹亿零壹佰元整"),
    (1_0010_0000_00, "壹亿零壹拾万元整"),
    (1200_0010_00, "壹仟贰佰万零壹拾元整"),
    (2_0305_0060_07, "贰亿零叁佰零伍万零陆拾元零柒分"),
    (9999_9999_9999_99, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    (-10_000, "（负数）壹佰元整"),
    # Worked examples of the article's rules (a reproduction, see words.py):
    (28_954_652, "贰拾捌万玖仟伍佰肆拾陆元伍角贰分"),
    (756_031, "柒仟伍佰陆拾元叁角壹分"),  # or 柒仟伍佰陆拾元零叁角壹分: the article allows both
    (53_200, "伍佰叁拾贰元整"),
    (42_503, "肆佰贰拾伍元零叁分"),
    (10_150, "壹佰零壹元伍角整"),
    (100_456, "壹仟零肆元伍角陆分"),
])
def test_amounts_in_words(fen, words):
    assert amount_in_words(fen) == words


@pytest.mark.parametrize("bad", [10**14, -(10**14), 1.5, True, "100"])
def test_amounts_out_of_range_or_not_whole_fen_are_refused(bad):
    with pytest.raises(InvalidInput) as refused:
        amount_in_words(bad)
    assert refused.value.field == "amount_fen"
