"""Money is an integer number of fen. Formatting and parsing live here, nowhere else."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import InvalidInput

FEN_PER_YUAN = 100


def format_yuan(fen: int, *, symbol: bool = True) -> str:
    """``123456`` -> ``¥1,234.56``; negative amounts keep their sign in front."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{'¥' if symbol else ''}{yuan:,}.{cents:02d}"


def parse_yuan(text: str | int | float | Decimal, *, field: str = "amount") -> int:
    """Parse a yuan amount (at most two decimals) into fen."""
    cleaned = str(text).strip().replace(",", "")
    # The sign may come before the currency symbol, as ``format_yuan`` writes it: ``-¥12.50``.
    sign = cleaned[:1] if cleaned[:1] in {"-", "+"} else ""
    cleaned = cleaned[len(sign):].lstrip("¥").strip()
    try:
        amount = Decimal(sign + cleaned)
    except InvalidOperation as error:
        raise InvalidInput(_("Enter an amount in yuan, such as 12.50."), field=field) from error
    if not amount.is_finite():
        raise InvalidInput(_("Enter an amount in yuan, such as 12.50."), field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_("An amount in yuan has at most two decimals (fen)."), field=field)
    return int(amount * FEN_PER_YUAN)


def prorate_fen(rate_fen: int, numerator: int, denominator: int) -> int:
    """``rate × numerator / denominator`` rounded half up to a whole fen."""
    return int((Decimal(rate_fen) * numerator / denominator).quantize(Decimal(1), rounding=ROUND_HALF_UP))
