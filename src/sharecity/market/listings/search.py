"""Search of a platform's published listings: Chinese full text, filters, sorts, pages.

The text is segmented by ``listings.text`` (jieba) exactly as ``Listing.search_text`` was, and
each word of the query must match: either the word itself or all of the smaller words jieba's
search mode cuts it into (so "数控加工" finds a listing segmented as "数控 / 加工" too).
SQLite matches through the FTS5 table of migration ``0002_search_index`` ranked by ``bm25``;
PostgreSQL through the stored ``search_vector`` = ``to_tsvector('simple', search_text)``
(migration 0004, GIN-indexed) ranked by ``ts_rank``.

Filters narrow in SQL. A search near a point prefilters a bounding box in SQL and keeps the
listings within the exact (haversine) distance in Python; an availability window asks
``availability.selectors.available_listing_ids`` about the remaining candidates. Both then
sort and page in Python, every other search in SQL.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import jieba
from django.db import connection
from django.db.models import Case, F, FloatField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from sharecity.kernel.errors import InvalidInput
from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.listings.text import _SEPARATORS, tokens

SORTS = ("relevance", "distance", "price", "-price", "rating")
FTS_TABLE = "market_listings_listing_fts"
LISTING_TABLE = Listing._meta.db_table
EARTH_RADIUS_KM = 6371.0088
ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_LIMIT = 100


class InvalidSearch(InvalidInput):
    code = "search.invalid"


@dataclass
class SearchPage:
    """One page of results. ``items`` are listings; with ``near`` each has ``distance_km`` set."""

    items: list[Listing]
    total: int
    limit: int = 20
    offset: int = 0
    distance_km: dict[int, float] = field(default_factory=dict)
    # With ``facets=True``: how many of all the matches (not only this page) fall in each category and district.
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


# --- text ------------------------------------------------------------------------------------


def _alternatives(word: str) -> list[list[str]]:
    """The word itself, or every one of its sub-words when they cover the whole word."""
    parts = [token for token in tokens(word) if token != word]
    return [[word], parts] if _covers(word, parts) else [[word]]


def synonyms_table() -> dict[str, list[str]]:
    """The synonyms (``SearchSynonym``), lower-cased, by search word."""
    from sharecity.market.listings.models import SearchSynonym

    return {term.lower(): [str(word).lower() for word in words if str(word).strip()]
            for term, words in SearchSynonym.objects.values_list("term", "words")}


def query_terms(text: str, *, synonyms: dict[str, list[str]] | None = None) -> list[list[list[str]]]:
    """The query as a list of words, each a list of alternatives, each alternative a list of tokens that must
    all match: the word itself, or its sub-words when they cover it, or one of its synonyms (the same way)."""
    terms: list[list[list[str]]] = []
    seen: set[str] = set()
    rest = (text or "").lower()
    # Search words of the synonym table first, whole, longest first: jieba cuts some of them (月嫂 → 月 / 嫂).
    # Not where the term is only part of a longer word jieba keeps whole (理发 in 理发店): cutting it out would
    # leave a stray 店 that no listing has as a word.
    words: list[str] = []
    longer_words: list[tuple[int, int]] = []
    position = 0
    for piece in jieba.cut(rest):
        longer_words.append((position, position + len(piece)))
        position += len(piece)
    for term in sorted(synonyms or {}, key=len, reverse=True):
        start = rest.find(term) if term else -1
        while start != -1:
            end = start + len(term)
            if not any(a <= start and end <= b and b - a > end - start for a, b in longer_words):
                if term not in words:
                    words.append(term)
                rest = rest[:start] + " " * len(term) + rest[end:]  # same length: the offsets above still hold
            start = rest.find(term, start + 1)
    words += list(jieba.cut(rest))
    for word in words:
        for part in _SEPARATORS.split(word.lower()) if word not in (synonyms or {}) else [word]:
            if not part or part in seen:
                continue
            seen.add(part)
            alternatives = _alternatives(part)
            for synonym in (synonyms or {}).get(part, []):
                for alternative in _alternatives(synonym):
                    if alternative not in alternatives:
                        alternatives.append(alternative)
            terms.append(alternatives)
    return terms


def _covers(word: str, parts: list[str]) -> bool:
    """Whether the sub-words together cover every character of the word ("数控"+"加工" do, "显微" alone does not)."""
    covered = [False] * len(word)
    for part in parts:
        start = word.find(part)
        while start != -1:
            covered[start:start + len(part)] = [True] * len(part)
            start = word.find(part, start + 1)
    return bool(parts) and all(covered)


def _fts5_query(terms: list[list[list[str]]]) -> str:
    def quote(token: str) -> str:
        return '"' + token.replace('"', '""') + '"'

    def alternative(tokens_: list[str]) -> str:
        return quote(tokens_[0]) if len(tokens_) == 1 else f"({' AND '.join(quote(t) for t in tokens_)})"

    return " AND ".join(f"({' OR '.join(alternative(a) for a in alternatives)})" for alternatives in terms)


def _tsquery(terms: list[list[list[str]]]) -> str:
    def quote(token: str) -> str:
        return "'" + token.replace("'", "''").replace("\\", "\\\\") + "'"

    def alternative(tokens_: list[str]) -> str:
        return quote(tokens_[0]) if len(tokens_) == 1 else f"({' & '.join(quote(t) for t in tokens_)})"

    return " & ".join(f"({' | '.join(alternative(a) for a in alternatives)})" for alternatives in terms)


# Fixed SQL (table names are constants of this module); the query text is always a bound parameter.
# PostgreSQL: the stored column to_tsvector('simple', search_text) of migration 0004, GIN-indexed.
TSVECTOR = f"\"{LISTING_TABLE}\".\"search_vector\""
PG_MATCH = f"{TSVECTOR} @@ to_tsquery('simple'::regconfig, %s)"
# Normalisation 1 (rank / (1 + log(length))): as bm25 does, a short, focused listing outranks a long one.
PG_RANK = f"-ts_rank({TSVECTOR}, to_tsquery('simple'::regconfig, %s), 1)"
FTS_JOIN = f"{FTS_TABLE}.rowid = \"{LISTING_TABLE}\".\"id\""
FTS_MATCH = f"{FTS_TABLE} MATCH %s"
FTS_RANK = f"bm25({FTS_TABLE})"
FTS_IN = f"\"{LISTING_TABLE}\".\"id\" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"  # noqa: S608


def _text_filtered(qs: QuerySet, terms: list[list[list[str]]], *, ranked: bool) -> QuerySet:
    """Only listings matching every word; with ``ranked`` an annotation ``text_rank`` (lower is better)."""
    if connection.vendor == "postgresql":
        query = _tsquery(terms)
        qs = qs.extra(where=[PG_MATCH], params=[query])  # noqa: S610
        if ranked:
            qs = qs.annotate(text_rank=RawSQL(PG_RANK, (query,), output_field=FloatField()))  # noqa: S611
        return qs
    query = _fts5_query(terms)
    if ranked:
        # Joined so that bm25() sees the match; the FTS table drives the loop.
        return qs.extra(select={"text_rank": FTS_RANK}, tables=[FTS_TABLE],  # noqa: S610
                        where=[FTS_JOIN, FTS_MATCH], params=[query])
    return qs.extra(where=[FTS_IN], params=[query])  # noqa: S610


# --- distance --------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) enclosing the circle of ``km`` around the point."""
    d_lat = math.degrees(km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    d_lon = min(180.0, math.degrees(km / (EARTH_RADIUS_KM * cos_lat)))
    return lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon


def _near_clean(near) -> tuple[float, float, float]:
    try:
        lat, lon, km = (float(v) for v in near)
    except (TypeError, ValueError):
        raise InvalidSearch(_("A search near a point needs a latitude, a longitude and a distance in km."),
                            field="near") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not 0 < km <= 500:
        raise InvalidSearch(_("The point must be a valid latitude and longitude and the distance "
                              "between 0 and 500 km."), field="near")
    return lat, lon, km


# --- filters ---------------------------------------------------------------------------------


def _category_ids(category) -> list[int]:
    from sharecity.market.catalog import selectors as catalog_selectors
    from sharecity.market.catalog.models import Category

    if not isinstance(category, Category):
        category = catalog_selectors.category_get(code=str(category))
    return catalog_selectors.category_descendant_ids(category)


def _attributes_filtered(qs: QuerySet, attributes: dict) -> QuerySet:
    for name, wanted in attributes.items():
        if not ATTRIBUTE_NAME.match(str(name)):
            raise InvalidSearch(_("%(name)s is not a field name.") % {"name": name}, field=f"attributes.{name}")
        if isinstance(wanted, (tuple, list)) and len(wanted) == 2 and not all(isinstance(w, str) for w in wanted):
            low, high = wanted
            if low is not None:
                qs = qs.filter(**{f"attributes__{name}__gte": low})
            if high is not None:
                qs = qs.filter(**{f"attributes__{name}__lte": high})
        elif wanted is None or wanted == "":
            continue
        else:
            qs = qs.filter(**{f"attributes__{name}": wanted})
    return qs


def _base(*, platform, category, district, price_min, price_max, rating_min, attributes) -> QuerySet:
    qs = Listing.objects.filter(platform=platform, status=ListingStatus.PUBLISHED)
    if category is not None and category != "":
        qs = qs.filter(category_id__in=_category_ids(category))
    if district:
        districts = [district] if isinstance(district, str) else list(district)
        qs = qs.filter(district_code__in=districts) if len(districts) != 1 else qs.filter(district_code=districts[0])
    if price_min is not None:
        qs = qs.filter(price_fen__gte=int(price_min))
    if price_max is not None:
        qs = qs.filter(price_fen__lte=int(price_max))
    if rating_min is not None:
        qs = qs.filter(rating_count__gt=0, rating_sum__gte=F("rating_count") * float(rating_min))
    if attributes:
        qs = _attributes_filtered(qs, attributes)
    return qs


RATING = Case(When(rating_count=0, then=Value(None, output_field=FloatField())),
              default=Cast(F("rating_sum"), FloatField()) / Cast(F("rating_count"), FloatField()),
              output_field=FloatField())
SQL_ORDER = {
    "relevance": ("-published_at", "-id"),
    "price": ("price_fen", "-id"),
    "-price": ("-price_fen", "-id"),
    "rating": (F("rating_avg").desc(nulls_last=True), "-rating_count", "-id"),
}


# --- the search ------------------------------------------------------------------------------


def listing_search(*, platform, text: str = "", category=None, district=None, near=None, price_min=None,
                   price_max=None, rating_min=None, available=None, attributes: dict | None = None,
                   sort: str = "relevance", limit: int = 20, offset: int = 0, facets: bool = False,
                   synonyms: bool = True) -> SearchPage:
    """Published listings of ``platform`` matching every given filter, sorted and paged.

    ``category`` (a Category or its code) includes the categories below it; ``district`` is a
    code or several; ``near`` is ``(lat, lon, km)``; ``available`` is ``(starts_at, ends_at,
    quantity)``; ``attributes`` maps a field name to a value or to ``(min, max)`` (either may be
    None). ``sort="distance"`` needs ``near``; relevance without text is newest first. ``facets``: count
    every match by category and by district too. ``synonyms``: a query word also finds its synonyms'
    listings (``SearchSynonym``; off only to measure what they add).
    """
    if sort not in SORTS:
        raise InvalidSearch(_("Sort by relevance, distance, price, -price or rating."), field="sort")
    if sort == "distance" and near is None:
        raise InvalidSearch(_("Sorting by distance needs a point to measure from."), field="sort")
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    qs = _base(platform=platform, category=category, district=district, price_min=price_min,
               price_max=price_max, rating_min=rating_min, attributes=attributes)
    terms = query_terms(text, synonyms=synonyms_table() if synonyms and text else None)
    ranked = bool(terms) and sort == "relevance"
    if terms:
        qs = _text_filtered(qs, terms, ranked=ranked)
    if sort == "rating":
        qs = qs.annotate(rating_avg=RATING)
    point = _near_clean(near) if near is not None else None
    if point is not None:
        lat_min, lat_max, lon_min, lon_max = bounding_box(*point)
        qs = qs.filter(latitude__gte=lat_min, latitude__lte=lat_max, longitude__gte=lon_min,
                       longitude__lte=lon_max)

    if point is None and available is None:
        order = ("text_rank", "-id") if ranked else SQL_ORDER[sort]
        total = qs.count()
        counted = _facets_sql(qs) if facets and total else {"category": {}, "district": {}} if facets else {}
        if not total:
            return SearchPage(items=[], total=0, limit=limit, offset=offset, facets=counted)
        # The page's ids first (a narrow sort), then their rows: sorting thousands of whole rows
        # joined to their category costs three times as much on PostgreSQL.
        page = list(qs.order_by(*order).values_list("id", "text_rank" if ranked else "id")[offset:offset + limit])
        by_id = Listing.objects.select_related("category").in_bulk([pk for pk, _rank in page])
        items = []
        for pk, rank in page:
            listing = by_id[pk]
            if ranked:
                listing.text_rank = rank
            items.append(listing)
        return SearchPage(items=items, total=total, limit=limit, offset=offset, facets=counted)
    return _search_in_python(qs, point=point, available=available, sort=sort, ranked=ranked, limit=limit,
                             offset=offset, facets=facets)


def _facets_sql(qs: QuerySet) -> dict[str, dict[str, int]]:
    from django.db.models import Count

    by_category = qs.order_by().values_list("category__code").annotate(n=Count("id"))
    by_district = qs.order_by().values_list("district_code").annotate(n=Count("id"))
    return {"category": {code: n for code, n in sorted(by_category, key=lambda row: (-row[1], row[0]))},
            "district": {code: n for code, n in sorted(by_district, key=lambda row: (-row[1], row[0] or ""))
                         if code}}


def _facets_rows(rows: list[dict]) -> dict[str, dict[str, int]]:
    from collections import Counter

    from sharecity.market.catalog.models import Category

    codes = dict(Category.objects.filter(pk__in={row["category_id"] for row in rows}).values_list("pk", "code"))
    categories = Counter(codes[row["category_id"]] for row in rows)
    districts = Counter(row["district_code"] for row in rows if row["district_code"])
    return {"category": dict(sorted(categories.items(), key=lambda item: (-item[1], item[0]))),
            "district": dict(sorted(districts.items(), key=lambda item: (-item[1], item[0])))}


def _search_in_python(qs: QuerySet, *, point, available, sort: str, ranked: bool, limit: int,
                      offset: int, facets: bool = False) -> SearchPage:
    """Exact distance and availability over the SQL candidates, then sort and page here."""
    columns = ["id", "latitude", "longitude", "price_fen", "rating_sum", "rating_count", "published_at",
               "category_id", "district_code"]
    if ranked:
        columns.append("text_rank")
    rows = [dict(zip(columns, values, strict=True)) for values in qs.values_list(*columns)]
    distances: dict[int, float] = {}
    if point is not None:
        lat, lon, km = point
        kept = []
        for row in rows:
            distance = haversine_km(lat, lon, row["latitude"], row["longitude"])
            if distance <= km:
                distances[row["id"]] = distance
                kept.append(row)
        rows = kept
    if available is not None and rows:
        rows = _available_rows(rows, available)
    rows.sort(key=_python_key(sort, ranked, distances))
    total = len(rows)
    page_ids = [row["id"] for row in rows[offset:offset + limit]]
    by_id = Listing.objects.select_related("category").in_bulk(page_ids)
    ranks = {row["id"]: row["text_rank"] for row in rows[offset:offset + limit]} if ranked else {}
    items = []
    for pk in page_ids:
        listing = by_id[pk]
        listing.distance_km = round(distances[pk], 3) if pk in distances else None
        if ranked:
            listing.text_rank = ranks[pk]
        items.append(listing)
    return SearchPage(items=items, total=total, limit=limit, offset=offset,
                      distance_km={pk: round(distances[pk], 3) for pk in page_ids if pk in distances},
                      facets=_facets_rows(rows) if facets else {})


def _available_rows(rows: list[dict], available) -> list[dict]:
    try:
        starts_at, ends_at, quantity = available
    except (TypeError, ValueError):
        raise InvalidSearch(_("An availability filter needs a start, an end and a quantity."),
                            field="available") from None
    from sharecity.market.availability.selectors import available_listing_ids

    free = available_listing_ids(listing_ids=[row["id"] for row in rows], starts_at=starts_at, ends_at=ends_at,
                                 quantity=int(quantity))
    return [row for row in rows if row["id"] in free]


def _python_key(sort: str, ranked: bool, distances: dict[int, float]):
    def newest(row) -> float:
        return -(row["published_at"].timestamp() if row["published_at"] else 0.0)

    if sort == "distance":
        return lambda row: (distances[row["id"]], -row["id"])
    if sort == "price":
        return lambda row: (row["price_fen"], -row["id"])
    if sort == "-price":
        return lambda row: (-row["price_fen"], -row["id"])
    if sort == "rating":
        return lambda row: (row["rating_count"] == 0,
                            -(row["rating_sum"] / row["rating_count"]) if row["rating_count"] else 0.0,
                            -row["rating_count"], -row["id"])
    if ranked:
        return lambda row: (row["text_rank"], -row["id"])
    return lambda row: (newest(row), -row["id"])

