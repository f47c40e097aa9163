"""The page checker of tests/web/test_zh_pages.py finds what it is meant to find, and only that."""

from __future__ import annotations

from tests.web.visible_text import page_problems

ENUMS = frozenset({"small", "entire"})


def _kinds(html: str) -> list[str]:
    return [problem.kind for problem in page_problems(html, enum_values=ENUMS)]


def test_a_bad_page_is_caught_on_every_count():
    page = """<html><head><title>纠纷 <h2>消息</h2> · 共享城市</title></head><body>
      <h1>车位详情</h1>
      <p>Book this space</p>
      <td>small</td><td>entire</td>
      <td>max_load_kg</td>
      <p>Listing object (3)</p>
      <p>开始于 2026-12-07T03:00:00Z</p><p>结束 2026-12-07 03:00:00+00:00</p>
      <input type="text" placeholder="Search spaces">
    </body></html>"""
    kinds = _kinds(page)
    assert kinds.count("title") == 1
    assert kinds.count("english") == 2  # the paragraph and the placeholder
    assert kinds.count("enum") == 2
    assert kinds.count("key") == 1
    assert kinds.count("model") == 1
    assert kinds.count("utc") == 2


def test_a_good_chinese_page_passes():
    page = """<html><head><title>车位详情 · 共享城市</title></head><body>
      <h1>车位详情</h1><p>小型车 · 整租 · ¥16.00 · 2026年12月7日 15:30</p>
      <p>最多 5 个文件，每个不超过 5 MB：JPEG、PNG、WebP 或 PDF。</p>
      <p>导出 Excel · 违法行为 PRICE-13-TAGGING · 投诉 CP-DEMO-0001 · id-c****bs</p>
      <button lang="en">English</button>
      <code>max_load_kg</code><span translate="no">Creative Commons Attribution 4.0</span>
      <script>var note = "not shown";</script>
    </body></html>"""
    assert page_problems(page, enum_values=ENUMS) == []
