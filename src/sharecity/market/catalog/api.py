"""The public catalogue: the category tree, each category's attribute schema, required licences and
transaction process, in the reader's language (Accept-Language, or ``?lang=``, through Django's locale).

No login: what a platform sells under which rules is public (《电子商务法》第十五条 and 第三十三条 ask
platforms to show their service agreements and transaction rules where anyone can read them). With
``platform`` the answer is that platform's: the categories its operator enabled, the fields it added and
the process it chose.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sharecity.apierrors import VALIDATION, ErrorOut
from sharecity.kernel.districts import DISTRICTS, district_name
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.money import FEN_PER_YUAN, parse_yuan
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.catalog import selectors
from sharecity.market.catalog.errors import CategoryNotFound
from sharecity.market.catalog.forms import PROCESS_LABELS
from sharecity.market.catalog.models import Category, PriceUnit
from sharecity.market.listings.errors import ListingNotFound
from sharecity.market.listings.search import listing_search
from sharecity.market.listings.selectors import listing_disclosure, listing_get, listing_photos, photo_urls
from sharecity.market.platforms.selectors import platform_get
from sharecity.market.pricing.selectors import price_now

router = Router(tags=["catalog"])

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class CatalogQuery(Schema):
    platform: str | None = Field(None, max_length=64, pattern=SLUG,
                                 description="a platform's slug: only the categories it enabled, with its fields")


class CategorySummaryOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str
    parent: str | None
    depth: int
    sector: str
    process: str
    process_label: str
    price_unit: str
    price_unit_label: str


class ChoiceOut(Schema):
    value: str
    label: str


class AttributeOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    unit: str | None = None
    choices: list[ChoiceOut] | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    filterable: bool = False
    source: str = Field(description="category: the city's catalogue; platform: added by the platform's operator")


class LicenceOut(Schema):
    code: str
    label: str
    holder: str = Field(description="listing, provider or customer: who must hold it")
    legal_reference: str


class CategoryOut(CategorySummaryOut):
    path: list[str] = Field(description="the codes from the root down to this category")
    attributes: list[AttributeOut]
    licences: list[LicenceOut]


def _chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def _localised(item: dict, key: str = "label") -> str:
    zh, en = item.get(f"{key}_zh") or "", item.get(f"{key}_en") or ""
    return (zh or en) if _chinese() else (en or zh)


def _summary(category: Category, *, depth: int, platform) -> dict:
    process = selectors.process_for(category=category, platform=platform)
    return {"code": category.code, "name": _localised({"name_zh": category.name_zh, "name_en": category.name_en},
                                                      "name"),
            "name_zh": category.name_zh, "name_en": category.name_en,
            "parent": category.parent.code if category.parent_id else None, "depth": depth,
            "sector": category.sector, "process": process, "process_label": str(PROCESS_LABELS.get(process, process)),
            "price_unit": category.default_unit, "price_unit_label": str(PriceUnit(category.default_unit).label)}


def _platform(slug: str | None):
    return None if slug is None else platform_get(slug=slug)  # an unknown slug: 404 naming "platform"


def _choices(definition: dict) -> list[dict] | None:
    raw = definition.get("choices")
    if not raw:
        return None
    return [{"value": str(c.get("value")), "label": _localised(c) or str(c.get("value"))} if isinstance(c, dict)
            else {"value": str(c), "label": str(c)} for c in raw]


@router.get("/catalog/categories", response={200: list[CategorySummaryOut], **VALIDATION, 404: ErrorOut, 429: ErrorOut},
            auth=None)
def categories_list(request, filters: Query[CatalogQuery]):
    """Every active category, parents before their children, with its process and price unit; with
    ``platform``, the categories that platform enabled (and its process where it chose another)."""
    platform = _platform(filters.platform)
    enabled = {c.pk for c in selectors.categories_enabled(platform=platform)} if platform is not None else None
    rows: list[dict] = []

    def walk(nodes):
        for node in nodes:
            category = node["category"]
            if enabled is None or category.pk in enabled:
                rows.append(_summary(category, depth=node["depth"], platform=platform))
            walk(node["children"])

    walk(selectors.category_tree())
    return rows


@router.get("/catalog/categories/{code}", response={200: CategoryOut, **VALIDATION, 404: ErrorOut, 429: ErrorOut},
            auth=None)
def category_detail(request, code: str, filters: Query[CatalogQuery]):
    """One category: the fields a listing fills (its ancestors' and its own, then the platform's additions),
    the licences it needs and who holds them, its process and price unit."""
    platform = _platform(filters.platform)
    category = Category.objects.filter(code=code[:65]).select_related("parent").first()
    hidden = platform is not None and category is not None and not selectors.is_enabled(category=category,
                                                                                         platform=platform)
    if category is None or not category.is_active or hidden:
        raise CategoryNotFound(_("No such category."), field="code")
    chain = selectors.category_ancestors(category)
    attributes = [{"name": f["name"], "label": _localised(f) or f["name"], "type": f.get("type", "text"),
                   "required": bool(f.get("required")), "unit": f.get("unit"), "choices": _choices(f),
                   "min": f.get("min"), "max": f.get("max"), "max_length": f.get("max_length"),
                   "filterable": bool(f.get("filterable")), "source": f.get("source", "category")}
                  for f in selectors.attribute_fields(category=category, platform=platform)]
    licences = [{"code": rule.get("code", ""), "label": _localised(rule) or rule.get("code", ""),
                 "holder": rule.get("holder", "listing"), "legal_reference": rule.get("legal_reference", "")}
                for rule in selectors.licence_rules(category=category, platform=platform)]
    return {**_summary(category, depth=len(chain) - 1, platform=platform), "path": [node.code for node in chain],
            "attributes": attributes, "licences": licences}


# --- search of a platform's published listings ------------------------------------------------------------


class ListingSearchQuery(Schema):
    platform: str = Field(..., max_length=64, pattern=SLUG, description="the platform's slug")
    text: str = Field("", max_length=100, description="Chinese or English words; each must match")
    category: str | None = Field(None, max_length=64, description="a category code; includes those below it")
    district: str | None = Field(None, max_length=6, pattern=r"^\d{6}$", description="a GB/T 2260 district code")
    price_min: str | None = Field(None, max_length=12, description="yuan, e.g. 99.50")
    price_max: str | None = Field(None, max_length=12, description="yuan")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    km: float | None = Field(None, gt=0, le=50, description="radius around lat/lon, in kilometres")
    starts_at: dt.datetime | None = Field(None, description="free from (with ends_at)")
    ends_at: dt.datetime | None = None
    quantity: int = Field(1, ge=1, le=1000)
    sort: str = Field("relevance", pattern=r"^(relevance|distance|price|-price|rating)$")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10000)


class ListingHitOut(Schema):
    id: str
    title: str
    category: str
    category_name: str
    district_code: str
    district_name: str
    price: str = Field(description="yuan, two decimals: the price now (a promotion's where one runs)")
    original_price: str | None = Field(description="the struck-through comparison price of a running promotion")
    price_unit: str
    rating: float | None
    rating_count: int
    distance_km: float | None
    thumbnail_url: str | None = Field(None, description="the first photo's thumbnail, when there is one")


class FacetOut(Schema):
    value: str
    label: str
    count: int


class ListingSearchOut(Schema):
    total: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[ListingHitOut]
    facets: dict[str, list[FacetOut]] = Field(description="category and district: counts over every match")


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{yuan}.{cents:02d}"


def _city_time(moment: dt.datetime) -> dt.datetime:
    """A time without an offset is the city's local time (Asia/Shanghai)."""
    return moment.replace(tzinfo=CITY_TZ) if moment.tzinfo is None else moment


def _yuan_or_none(value: str | None, *, field: str) -> int | None:
    return None if value in (None, "") else parse_yuan(value, field=field)


def _first_thumbnails(request, listings) -> dict[int, str]:
    from sharecity.market.listings.models import ListingPhoto, PhotoReview

    by_listing = {listing.pk: listing for listing in listings}
    found: dict[int, str] = {}
    approved = ListingPhoto.objects.filter(listing_id__in=list(by_listing), review=PhotoReview.APPROVED)
    for photo in (approved.defer("display", "thumbnail")
                  .order_by("listing_id", "position", "id")):
        if photo.listing_id not in found:
            url = photo_urls(by_listing[photo.listing_id], photo)["thumbnail"]
            found[photo.listing_id] = request.build_absolute_uri(url)
    return found


@router.get("/catalog/listings", response={200: ListingSearchOut, **VALIDATION, 404: ErrorOut, 429: ErrorOut},
            auth=None)
def listings_search(request, filters: Query[ListingSearchQuery]):
    """Search a platform's published listings: words (segmented like the listings, synonyms included), category
    (and below), district, price range in yuan, a radius around a point, free in a time window; sorted and
    paged, with how many matches fall in each category and district. The platform's search page uses the
    same selector."""
    platform = platform_get(slug=filters.platform)
    near = None
    if any(value is not None for value in (filters.lat, filters.lon, filters.km)):
        if filters.lat is None or filters.lon is None or filters.km is None:
            raise InvalidInput(_("A search near a point needs lat, lon and km."), field="km", code="search.invalid")
        near = (filters.lat, filters.lon, filters.km)
    available = None
    if (filters.starts_at is None) != (filters.ends_at is None):
        raise InvalidInput(_("Give both ends of the time, or neither."), field="ends_at", code="search.invalid")
    if filters.starts_at is not None and filters.ends_at is not None:
        starts_at, ends_at = (_city_time(filters.starts_at), _city_time(filters.ends_at))
        if ends_at <= starts_at:
            raise InvalidInput(_("The end must be after the start."), field="ends_at", code="search.invalid")
        available = (starts_at, ends_at, filters.quantity)
    if filters.category:
        category = Category.objects.filter(code=filters.category, is_active=True).first()
        if category is None:
            raise CategoryNotFound(_("No such category."), field="category")
    if filters.district and filters.district not in DISTRICTS:
        raise InvalidInput(_("No such district."), field="district", code="search.invalid")
    page = listing_search(
        platform=platform, text=filters.text, category=filters.category or None, district=filters.district,
        near=near, price_min=_yuan_or_none(filters.price_min, field="price_min"),
        price_max=_yuan_or_none(filters.price_max, field="price_max"), available=available, sort=filters.sort,
        limit=filters.limit, offset=filters.offset, facets=True)
    language = get_language() or "zh-hans"
    now = timezone.now()
    first_photo = _first_thumbnails(request, page.items)
    items = []
    for listing in page.items:
        price, original = price_now(listing=listing, at=now)
        items.append({
            "id": str(listing.public_id), "title": listing.title, "category": listing.category.code,
            "category_name": listing.category.name_zh if _chinese() else listing.category.name_en,
            "district_code": listing.district_code,
            "district_name": district_name(listing.district_code, language=language) if listing.district_code
            else "",
            "price": _yuan(price), "price_unit": listing.price_unit,
            "original_price": _yuan(original) if original is not None else None,
            "rating": round(listing.rating_sum / listing.rating_count, 2) if listing.rating_count else None,
            "rating_count": listing.rating_count, "distance_km": page.distance_km.get(listing.pk),
            "thumbnail_url": first_photo.get(listing.pk)})
    names = {c.code: (c.name_zh if _chinese() else c.name_en)
             for c in Category.objects.filter(code__in=list(page.facets.get("category", {})))}
    facets = {
        "category": [{"value": code, "label": names.get(code, code), "count": n}
                     for code, n in page.facets.get("category", {}).items()],
        "district": [{"value": code, "label": district_name(code, language=language) if code in DISTRICTS else code,
                      "count": n} for code, n in page.facets.get("district", {}).items()],
    }
    return {"total": page.total, "limit": page.limit, "offset": page.offset,
            "next_offset": page.offset + page.limit if page.has_next else None, "items": items, "facets": facets}


# --- one published listing, with what the law asks the platform to show -----------------------------------------


class PlatformQuery(Schema):
    platform: str = Field(..., max_length=64, pattern=SLUG, description="the platform's slug")


class ListingAttributeOut(Schema):
    name: str
    label: str
    value: str | int | float | bool | list[str] | None
    unit: str | None = None


class ProviderIdentityOut(Schema):
    verified: bool = Field(description="the provider's real name was verified by the platform")
    kind: str = Field(description="person or business; empty when not verified")
    name_masked: str = Field(description="a person's surname only; a business's registered name")
    identity_masked: str = Field(description="resident ID or unified social credit code, first and last four shown")
    verified_on: dt.date | None
    business_licence: str = Field(
        description="registered (a business), individual_unregistered (a person: 电子商务法 第十条), not_verified")
    legal_reference: str


class ListingLicenceOut(Schema):
    code: str
    label: str
    holder: str = Field(description="listing or provider: who holds it")
    number: str = Field(description="as the provider gave it; empty when missing")
    state: str = Field(description="given, unusual_format (a moderator checks it) or missing")
    legal_reference: str


class ListingPhotoOut(Schema):
    id: str
    width: int
    height: int
    display_url: str = Field(description="JPEG, at most 1280 pixels a side, without metadata")
    thumbnail_url: str = Field(description="JPEG, at most 400 pixels a side")


def _photos(request, listing) -> list[dict]:
    rows = []
    for photo in listing_photos(listing, public=True):
        urls = photo_urls(listing, photo)
        rows.append({"id": str(photo.public_id), "width": photo.width, "height": photo.height,
                     "display_url": request.build_absolute_uri(urls["display"]),
                     "thumbnail_url": request.build_absolute_uri(urls["thumbnail"])})
    return rows


class PublicListingOut(Schema):
    id: str
    platform: str
    title: str
    description: str
    category: str
    category_name: str
    district_code: str
    district_name: str
    address: str
    price: str = Field(description="yuan, two decimals: the price now")
    original_price: str | None
    price_unit: str
    price_unit_label: str
    capacity: int
    deposit: str = Field(description="yuan")
    rating: float | None
    rating_count: int
    attributes: list[ListingAttributeOut]
    provider: ProviderIdentityOut
    licences: list[ListingLicenceOut]
    photos: list[ListingPhotoOut]


def _attribute_rows(listing) -> list[dict]:
    rows = []
    for definition in selectors.attribute_fields(category=listing.category, platform=listing.platform):
        value = (listing.attributes or {}).get(definition["name"])
        if value in (None, "", []):
            continue
        labels = {str(c.get("value")): _localised(c) for c in definition.get("choices") or [] if isinstance(c, dict)}
        if isinstance(value, list):
            value = [labels.get(str(v), str(v)) for v in value]
        elif definition.get("type") == "choice":
            value = labels.get(str(value), str(value))
        rows.append({"name": definition["name"], "label": _localised(definition) or definition["name"],
                     "value": value, "unit": definition.get("unit")})
    return rows


@router.get("/catalog/listings/{listing_id}",
            response={200: PublicListingOut, **VALIDATION, 404: ErrorOut, 429: ErrorOut}, auth=None)
def listing_detail(request, listing_id: uuid.UUID, filters: Query[PlatformQuery]):
    """One published listing of a platform, as its page shows it: price now, attributes, and what the E-commerce
    Law asks the platform to show (第十五条): the provider's verified identity, masked, and each licence its
    category needs, with "missing" where none was given. A listing that is not published is not found."""
    platform = platform_get(slug=filters.platform)
    try:
        listing = listing_get(platform=platform, public_id=listing_id)
    except ListingNotFound:
        listing = None
    if listing is None or listing.status != "published":  # another platform's, a draft, a withdrawn one
        raise ListingNotFound(_("No such listing on this platform."), field="listing_id")
    shown = listing_disclosure(listing)
    price, original = price_now(listing=listing, at=timezone.now())
    language = get_language() or "zh-hans"
    return {
        "id": str(listing.public_id), "platform": platform.slug, "title": listing.title,
        "description": listing.description, "category": listing.category.code,
        "category_name": listing.category.name_zh if _chinese() else listing.category.name_en,
        "district_code": listing.district_code,
        "district_name": district_name(listing.district_code, language=language) if listing.district_code else "",
        "address": listing.address, "price": _yuan(price),
        "original_price": _yuan(original) if original is not None else None,
        "price_unit": listing.price_unit, "price_unit_label": str(PriceUnit(listing.price_unit).label),
        "capacity": listing.capacity, "deposit": _yuan(listing.deposit_fen),
        "rating": round(listing.rating_sum / listing.rating_count, 2) if listing.rating_count else None,
        "rating_count": listing.rating_count, "attributes": _attribute_rows(listing),
        "provider": {"verified": shown.verified, "kind": shown.kind, "name_masked": shown.name_masked,
                     "identity_masked": shown.identity_masked, "verified_on": shown.verified_on,
                     "business_licence": shown.business_licence, "legal_reference": shown.legal_reference},
        "licences": [{"code": item.code, "label": _localised({"label_zh": item.label_zh, "label_en": item.label_en})
                      or item.code, "holder": item.holder, "number": item.number, "state": item.state,
                      "legal_reference": item.legal_reference} for item in shown.licences],
        "photos": _photos(request, listing),
    }
