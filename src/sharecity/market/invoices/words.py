"""An amount in Chinese capital numerals (大写金额), as written in the 价税合计(大写) box of an invoice.

The rules are those of 《会计基础工作规范》(财政部 财会字〔1996〕19号, 2019年修改) 第五十二条第(三)、(四)项:
- amounts written to the yuan or to the jiao end in 整 (this module writes 整, never 正); an amount with fen
  does not;
- a zero, or a run of zeros, between digits is written as one 零;
- when the yuan digit is zero and the jiao digit is not (1,680.32), 零 may be written or left out: this module
  leaves it out (壹仟陆佰捌拾元叁角贰分); when the jiao digit is zero and the fen digit is not (1.05) the 零 is
  written (壹元零伍分).
Verified: the article's wording is from the project's notes, not re-read in its published text here.
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
