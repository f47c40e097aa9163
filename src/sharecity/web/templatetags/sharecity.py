"""Template filters for ShareCity pages: money in yuan, district names in the active language."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from sharecity.kernel.districts import district_name
from sharecity.kernel.money import format_yuan
from sharecity.market.platforms.models import Sector

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """``1600|yuan`` -> ``¥16.00``; empty values show a dash."""
    if fen is None or fen == "":
        return "—"
    return format_yuan(int(fen))


@register.filter
def district(code) -> str:
    """A GB/T 2260 district code as its name in the active language."""
    if not code:
        return ""
    return district_name(str(code), language=get_language() or "zh-hans")


@register.filter
def duration(minutes) -> str:
    """Minutes as hours: ``120`` -> ``2``, ``150`` -> ``2.5`` (stays are whole half hours)."""
    if minutes is None:
        return ""
    hours = int(minutes) / 60
    return f"{hours:g}"


@register.filter
def stars(rating) -> str:
    """``4`` -> ``★★★★☆``."""
    try:
        count = max(0, min(5, int(rating)))
    except (TypeError, ValueError):
        return ""
    return "★" * count + "☆" * (5 - count)


@register.filter
def get_item(mapping, key):
    """``row.values|get_item:"bookings"``: a dictionary value by a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def sector_label(code) -> str:
    """A sector code (parking, homestay, ...) in the reader's language."""
    return str(dict(Sector.choices).get(code, code))


@register.filter
def city(code) -> str:
    """A GB/T 2260 city code (350200) as the city's name in the active language."""
    from sharecity.kernel.districts import CITIES

    found = CITIES.get(str(code or ""))
    if found is None:
        return str(code or "")
    return found.name_zh if (get_language() or "zh-hans").startswith("zh") else found.name_en


@register.simple_tag
def public_links() -> list[dict]:
    """``{% public_links as links %}``: the city's public pages that exist (web.public_pages)."""
    from sharecity.web.public_pages import public_links as links

    return links()


@register.filter
def local_name(thing) -> str:
    """An object with ``name_zh`` and ``name_en`` (a category, a zone, a violation) by the name of the
    reader's language: a Chinese page never shows the English name."""
    if thing is None:
        return ""
    english = not (get_language() or "zh-hans").startswith("zh")
    chosen = getattr(thing, "name_en" if english else "name_zh", "") or getattr(thing, "name_zh", "")
    return str(chosen or thing)


_BILINGUAL = re.compile(r"^(?P<zh>.*[\u4e00-\u9fff].*?)\s*\((?P<en>[^\u4e00-\u9fff()]+)\)\s*$", re.S)


@register.filter
def reader_language(text) -> str:
    """Data kept in both languages as ``中文 (English)`` (a source the city recorded, a seeded label) in
    the reader's language: the Chinese part on a Chinese page, the English part on an English one."""
    match = _BILINGUAL.match(str(text or ""))
    if match is None:
        return str(text or "")
    chinese = (get_language() or "zh-hans").startswith("zh")
    return match.group("zh").strip() if chinese else match.group("en").strip()


@register.filter
def sparkline(values) -> str:
    """Daily counts as a small line (inline SVG, no script): ``figure.daily|sparkline``. Decorative: the
    tile states the figures in words beside it."""
    counts = [int(value) for value in values or []]
    if len(counts) < 2:
        return ""
    width, height = 112, 28
    top = max(counts) or 1
    step = width / (len(counts) - 1)
    points = " ".join(f"{index * step:.1f},{height - 2 - count / top * (height - 4):.1f}"
                      for index, count in enumerate(counts))
    middle = width / 2
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true" focusable="false">'
        '<line x1="{m}" y1="0" x2="{m}" y2="{h}" stroke="currentColor" stroke-opacity=".2"/>'
        '<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{p}"/></svg>',
        w=width, h=height, m=f"{middle:.1f}", p=points)
