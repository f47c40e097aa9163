"""The text full-text search matches: jieba's search-mode segmentation, space-separated.

Both databases then match whole tokens (SQLite FTS5 / PostgreSQL ``simple`` tsvector) the
same way, and a query is segmented with the same function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import jieba

_SEPARATORS = re.compile(r"[\s\W_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Lower-cased search tokens of ``text``, without punctuation or duplicates, in order."""
    seen: dict[str, None] = {}
    for token in jieba.cut_for_search(text or ""):
        for part in _SEPARATORS.split(token.lower()):
            if part:
                seen.setdefault(part, None)
    return list(seen)


def search_text_for(*, title: str, description: str = "", values: Iterable[object] = ()) -> str:
    parts = [title, description, *(str(value) for value in values if value not in (None, ""))]
    return " ".join(tokens(" ".join(parts)))
