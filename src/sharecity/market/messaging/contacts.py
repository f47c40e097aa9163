"""Contact details in a message (used to take a deal off the platform): a small pure check."""

from __future__ import annotations

import re

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("phone", re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")),
    ("phone", re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")),
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("wechat", re.compile(r"(?:微信|威信|薇信|wechat|weixin|vx|wx|v信)\s*(?:号)?\s*[:：]?\s*"
                          r"[A-Za-z][-_A-Za-z0-9]{5,19}", re.IGNORECASE)),
    ("qq", re.compile(r"(?:qq|扣扣)\s*(?:号)?\s*[:：]?\s*[1-9]\d{4,11}", re.IGNORECASE)),
    ("url", re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)),
)


def contact_kinds(text: str) -> list[str]:
    """The kinds of contact details found in ``text`` (empty when none), in a stable order."""
    normalised = (text or "").translate(_DIGITS)
    found = []
    for kind, pattern in PATTERNS:
        if kind not in found and pattern.search(normalised):
            found.append(kind)
    return found
