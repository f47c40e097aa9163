"""The search-relevance benchmark: its query set is large enough and scores what the category names and the
synonyms add, against the baseline on the same listings."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "search_relevance.py"


def _bench():
    spec = importlib.util.spec_from_file_location("search_relevance_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.django_db
def test_category_words_and_synonyms_find_what_the_plain_text_missed():
    bench = _bench()
    assert len(bench.QUERIES) >= 50
    queries = {query: bench.QUERIES[query] for query in ("家政", "车位", "月嫂", "保洁", "仪器", "parking")}
    result = bench.measure(queries)
    rows = {row["query"]: row for row in result["rows"]}
    # 家政, 月嫂 and parking are no word of any listing's own text: the category path and the synonyms find them.
    for query in ("家政", "月嫂", "parking"):
        assert (rows[query]["before"], rows[query]["after"]) == (0, 1.0), query
    assert rows["保洁"]["after"] == rows["保洁"]["before"] == 1.0
    assert result["after"] > result["before"]
    assert "mean precision at 10" in bench.table(result)
