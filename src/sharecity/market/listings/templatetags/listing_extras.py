"""What every page showing a listing shows beside it: the provider's verified identity and the licences its
category needs (《电子商务法》第十五条), read through ``listings.selectors``."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from sharecity.market.listings.selectors import listing_disclosure

register = template.Library()


@register.inclusion_tag("listings/_disclosure.html")
def disclosure(listing) -> dict:
    zh = (get_language() or "zh-hans").lower().startswith("zh")
    shown = listing_disclosure(listing)
    return {"disclosure": shown, "zh": zh,
            "licences": [{"item": item, "label": (item.label_zh or item.label_en) if zh
                          else (item.label_en or item.label_zh)} for item in shown.licences]}


@register.inclusion_tag("listings/_gallery.html")
def gallery(listing) -> dict:
    from sharecity.market.listings.selectors import listing_photos, photo_urls

    return {"listing": listing,
            "photos": [{"photo": photo, "urls": photo_urls(listing, photo)}
                       for photo in listing_photos(listing, public=True)]}
