"""An amount in Chinese capital numerals (大写金额), as written in the 价税合计(大写) box of an invoice.

The rules are those of 《会计基础工作规范》(财政部 财会字〔1996〕19号) 第五十二条:
- 第(三)项: 大写金额数字到元或者角为止的, 在"元"或者"角"字之后应当写"整"字或者"正"字; 大写金额数字有分的,
  分字后面不写"整"或者"正"字 (this module writes 整, never 正);
- 第(五)项: a zero, or a run of zeros, between digits is written as one 零; when the yuan digit is zero and the
  jiao digit is not (7,560.31), 零 may be written or left out: this module leaves it out (柒仟伍佰陆拾元叁角壹分);
  when the jiao digit is zero and the fen digit is not (425.03) the 零 is written (肆佰贰拾伍元零叁分).
Verified: 第(三)项 read in a reproduction of the article's text (http://www.hkxiaopan.com/column/zhidao/87436.html),
the examples tested in tests/market/invoices/test_words.py from a worked list of them
(https://zztongyun.com/article-人民币大写金额书写规范举例-1.html); not the Ministry's own publication.
A red-letter invoice's negative total is written after （负数）, as the 数电票 layout prints it (not verified).
"""

from __future__ import annotations

from sharecity.kernel.errors import InvalidInput

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")
SECTIONS = ("亿", "万", "")
# Below one trillion yuan (万亿), where the sections 亿/万 stop being enough.
LIMIT_FEN = 10**12 * 100


def _four(number: int) -> str:
    """1 to 9999 with its inner zeros (1010 → 壹仟零壹拾); leading and trailing zeros are not written."""
    text, zero = "", False
    for place, digit in zip(PLACES, f"{number:04d}", strict=True):
        if digit == "0":
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[int(digit)] + place
    return text


def _yuan(number: int) -> str:
    groups = (number // 10**8, number // 10**4 % 10**4, number % 10**4)
    text, zero = "", False
    for group, section in zip(groups, SECTIONS, strict=True):
        if group == 0:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += "零"
        text += _four(group) + section
        zero = False
    return text


def amount_in_words(fen: int) -> str:
    """``10350`` → 壹佰零叁元伍角整; ``-10000`` → （负数）壹佰元整."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise InvalidInput("an amount in fen is a whole number", field="amount_fen", code="invoice.amount_type")
    if abs(fen) >= LIMIT_FEN:
        raise InvalidInput("an amount in words is below one trillion yuan", field="amount_fen",
                           code="invoice.amount_too_large")
    if fen < 0:
        return "（负数）" + amount_in_words(-fen)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    if fen == 0:
        return "零元整"
    text = _yuan(yuan) + "元" if yuan else ""
    if jiao:
        text += DIGITS[jiao] + "角"
    if not cents:
        return text + "整"
    if yuan and not jiao:
        text += "零"
    return text + DIGITS[cents] + "分"
