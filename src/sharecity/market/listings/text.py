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


def attribute_words(attributes: dict, fields: list[dict]) -> list[str]:
    """The attribute values as words, a choice by its labels too (service_type "deep" is also 深度保洁)."""
    labels = {(field.get("name"), str(choice.get("value"))): (choice.get("label_zh", ""), choice.get("label_en", ""))
              for field in fields for choice in field.get("choices") or [] if isinstance(choice, dict)}
    words: list[str] = []
    for name, value in attributes.items():
        for item in value if isinstance(value, list) else [value]:
            words.append(str(item))
            words.extend(label for label in labels.get((name, str(item)), ()) if label)
    return words
