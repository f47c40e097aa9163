"""Search of a platform's listings: Chinese full text, every filter and sort, tenants, statuses.

Runs on SQLite (FTS5) and on PostgreSQL (tsvector); PostgreSQL-only checks are marked.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.utils import timezone

from sharecity.market.listings.models import Listing, ListingStatus
from sharecity.market.listings.search import InvalidSearch, bounding_box, haversine_km, listing_search
from sharecity.market.listings.text import search_text_for
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db

# Xiamen: Zhongshan Road (思明区) and points around it.
ZHONGSHAN = (24.4545, 118.0810)


def titles(page) -> list[str]:
    return [listing.title for listing in page.items]


def listing(platform, provider, title, description="", **fields):
    fields.setdefault("category_code", "lab_instruments")
    return make_listing(platform, provider, title=title, description=description, **fields)


@pytest.fixture
def shop(platform, provider):
    """A few listings of different kinds, prices, districts and places."""
    return {
        "cnc": listing(platform, provider, "五轴数控加工 铝合金精密零件", "提供数控加工和来图加工服务，交期七天",
                       category_code="equipment_rental", price_fen=20_000, district_code="350206",
                       latitude=24.4800, longitude=118.1100),
        "sem": listing(platform, provider, "扫描电子显微镜 SEM", "场发射扫描电镜，可做能谱分析",
                       price_fen=30_000, district_code="350203", latitude=24.4550, longitude=118.0820),
        "room": listing(platform, provider, "鼓浪屿海景民宿 双床房", "步行五分钟到码头，可住两人",
                        category_code="homestay", price_fen=45_000, district_code="350203",
                        latitude=24.4470, longitude=118.0670),
        "bike": listing(platform, provider, "二手山地自行车", "九成新，可小区自提",
                        category_code="second_hand", price_fen=50_000, district_code="350211"),
    }


def test_a_chinese_word_finds_the_listing_that_contains_it(platform, shop):
    page = listing_search(platform=platform, text="数控")
    assert titles(page) == [shop["cnc"].title]
    assert page.total == 1
    assert titles(listing_search(platform=platform, text="显微镜")) == [shop["sem"].title]


def test_a_compound_word_finds_listings_segmented_into_its_parts(platform, provider, shop):
    # "数控加工" itself, or both "数控" and "加工" (as jieba cut another listing's text).
    other = listing(platform, provider, "数控车床 零件加工", "", category_code="equipment_rental")
    found = set(titles(listing_search(platform=platform, text="数控加工")))
    assert found == {shop["cnc"].title, other.title}


def test_every_word_of_the_query_must_match(platform, shop):
    assert titles(listing_search(platform=platform, text="显微镜 分析")) == [shop["sem"].title]
    assert listing_search(platform=platform, text="显微镜 民宿").total == 0
    assert listing_search(platform=platform, text="潜水艇").total == 0


def test_latin_words_and_case(platform, shop):
    assert titles(listing_search(platform=platform, text="sem")) == [shop["sem"].title]


def test_punctuation_and_quotes_in_the_query_do_no_harm(platform, shop):
    assert titles(listing_search(platform=platform, text='"数控" (* 加工 -')) == [shop["cnc"].title]
    # Words, not operators: no listing says "or".
    assert listing_search(platform=platform, text="数控 OR 民宿").total == 0
    assert listing_search(platform=platform, text="'; DROP TABLE x; --").total == 0


def test_relevance_puts_the_focused_listing_first(platform, provider):
    # Tokens are stored once per listing: a long listing that mentions the word among many others
    # ranks below a short one about it (bm25 / ts_rank normalised by length).
    focused = listing(platform, provider, "显微镜 共享", "光学显微镜")
    broad = listing(platform, provider, "共享实验室 显微镜", "另有离心机、培养箱、超净台、通风橱、天平、烘箱等多种设备")
    assert titles(listing_search(platform=platform, text="显微镜")) == [focused.title, broad.title]


def test_relevance_prefers_the_whole_word_to_its_parts(platform, provider):
    whole = listing(platform, provider, "精密数控加工", "", category_code="equipment_rental")
    parts = listing(platform, provider, "数控车床 零件加工", "", category_code="equipment_rental")
    assert whole.pk < parts.pk  # newer first would be the other order on a tie
    assert titles(listing_search(platform=platform, text="数控加工")) == [whole.title, parts.title]


def test_text_follows_edits_of_the_listing(platform, shop):
    cnc = shop["cnc"]
    Listing.objects.filter(pk=cnc.pk).update(search_text=search_text_for(title="激光切割 钣金"))
    assert listing_search(platform=platform, text="数控").total == 0
    assert titles(listing_search(platform=platform, text="激光切割")) == [cnc.title]
    Listing.objects.filter(pk=cnc.pk).delete()
    assert listing_search(platform=platform, text="激光切割").total == 0


def test_only_published_listings_of_this_platform(platform, provider, shop):
    for status in (ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.SUSPENDED,
                   ListingStatus.REJECTED, ListingStatus.REMOVED):
        listing(platform, provider, f"数控 {status}", status=status, category_code="equipment_rental")
    other = factories.make_platform()
    listing(other, factories.make_provider(other), "数控加工 别家平台", category_code="equipment_rental")
    assert titles(listing_search(platform=platform, text="数控")) == [shop["cnc"].title]
    assert listing_search(platform=platform).total == 4
    assert titles(listing_search(platform=other, text="数控")) == ["数控加工 别家平台"]


def test_category_includes_the_categories_below_it(platform, provider, shop):
    testing = listing(platform, provider, "材料检测 拉伸试验", category_code="testing_services")
    research = set(titles(listing_search(platform=platform, category="research")))
    assert research == {shop["sem"].title, testing.title}
    assert titles(listing_search(platform=platform, category="homestay")) == [shop["room"].title]


def test_district(platform, shop):
    assert set(titles(listing_search(platform=platform, district="350203"))) == {shop["sem"].title, shop["room"].title}
    assert set(titles(listing_search(platform=platform, district=["350206", "350211"]))) == {
        shop["cnc"].title, shop["bike"].title}


def test_price_range(platform, shop):
    page = listing_search(platform=platform, price_min=25_000, price_max=45_000)
    assert set(titles(page)) == {shop["sem"].title, shop["room"].title}


def test_rating_minimum(platform, provider):
    listing(platform, provider, "评分高", rating_sum=48, rating_count=10)
    listing(platform, provider, "评分低", rating_sum=30, rating_count=10)
    listing(platform, provider, "无评分")
    assert titles(listing_search(platform=platform, rating_min=4.5)) == ["评分高"]
    assert set(titles(listing_search(platform=platform, rating_min=3))) == {"评分高", "评分低"}


def test_attributes_exact_and_range(platform, provider):
    small = listing(platform, provider, "三轴 小件", category_code="equipment_rental",
                    attributes={"max_part_mm": 300, "operator_included": True, "equipment_type": "加工中心"})
    large = listing(platform, provider, "龙门 大件", category_code="equipment_rental",
                    attributes={"max_part_mm": 3000, "operator_included": False, "equipment_type": "龙门铣"})
    assert titles(listing_search(platform=platform, attributes={"max_part_mm": (1000, None)})) == [large.title]
    assert titles(listing_search(platform=platform, attributes={"max_part_mm": (None, 500)})) == [small.title]
    assert titles(listing_search(platform=platform, attributes={"max_part_mm": (200, 400)})) == [small.title]
    assert titles(listing_search(platform=platform, attributes={"operator_included": True})) == [small.title]
    assert titles(listing_search(platform=platform, attributes={"equipment_type": "龙门铣"})) == [large.title]
    with pytest.raises(InvalidSearch) as caught:
        listing_search(platform=platform, attributes={"x') OR 1=1 --": 1})
    assert caught.value.field.startswith("attributes.")


def test_near_a_point_keeps_the_exact_radius_and_sorts_by_distance(platform, provider, shop):
    # In the corner of the 2 km bounding box, but 2.6 km away: out.
    _lat_min, lat_max, _lon_min, lon_max = bounding_box(*ZHONGSHAN, 2)
    corner = listing(platform, provider, "角落", latitude=lat_max - 0.001, longitude=lon_max - 0.001)
    assert haversine_km(*ZHONGSHAN, corner.latitude, corner.longitude) > 2
    page = listing_search(platform=platform, near=(*ZHONGSHAN, 2), sort="distance")
    assert titles(page) == [shop["sem"].title, shop["room"].title]
    assert [item.distance_km for item in page.items] == sorted(item.distance_km for item in page.items)
    assert page.items[0].distance_km == pytest.approx(0.15, abs=0.05)
    assert page.distance_km[shop["room"].pk] == pytest.approx(
        haversine_km(*ZHONGSHAN, shop["room"].latitude, shop["room"].longitude), abs=0.001)
    wide = listing_search(platform=platform, near=(*ZHONGSHAN, 10), sort="distance")
    assert titles(wide) == [shop["sem"].title, shop["room"].title, corner.title, shop["cnc"].title]


def test_near_with_text_and_price_sort(platform, shop):
    page = listing_search(platform=platform, near=(*ZHONGSHAN, 10), sort="-price")
    assert titles(page) == [shop["room"].title, shop["sem"].title, shop["cnc"].title]
    assert titles(listing_search(platform=platform, text="民宿", near=(*ZHONGSHAN, 10))) == [shop["room"].title]


def test_sorts_by_price_both_ways(platform, shop):
    assert titles(listing_search(platform=platform, sort="price")) == [
        shop["cnc"].title, shop["sem"].title, shop["room"].title, shop["bike"].title]
    assert titles(listing_search(platform=platform, sort="-price")) == [
        shop["bike"].title, shop["room"].title, shop["sem"].title, shop["cnc"].title]


def test_sort_by_rating_puts_unrated_last(platform, provider):
    listing(platform, provider, "显微镜 三星", rating_sum=30, rating_count=10)
    listing(platform, provider, "显微镜 五星", rating_sum=5, rating_count=1)
    listing(platform, provider, "显微镜 未评")
    listing(platform, provider, "显微镜 四星", rating_sum=40, rating_count=10)
    assert titles(listing_search(platform=platform, text="显微镜", sort="rating")) == [
        "显微镜 五星", "显微镜 四星", "显微镜 三星", "显微镜 未评"]


def test_relevance_without_text_is_newest_first(platform, provider):
    old = listing(platform, provider, "旧的")
    Listing.objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(days=3))
    new = listing(platform, provider, "新的")
    assert titles(listing_search(platform=platform)) == [new.title, old.title]


def test_pages(platform, provider):
    for n in range(5):
        listing(platform, provider, f"显微镜 {n}", price_fen=1000 + n)
    first = listing_search(platform=platform, text="显微镜", sort="price", limit=2)
    second = listing_search(platform=platform, text="显微镜", sort="price", limit=2, offset=2)
    assert first.total == second.total == 5 and first.has_next
    assert titles(first) + titles(second) == [f"显微镜 {n}" for n in range(4)]
    near = listing_search(platform=platform, sort="price", limit=2, offset=4, near=(0, 0, 1))
    assert near.total == 0 and near.items == []


def test_wrong_sorts_are_refused(platform):
    with pytest.raises(InvalidSearch) as caught:
        listing_search(platform=platform, sort="cheapest")
    assert caught.value.field == "sort"
    with pytest.raises(InvalidSearch):
        listing_search(platform=platform, sort="distance")
    with pytest.raises(InvalidSearch) as caught:
        listing_search(platform=platform, near=(100, 0, 5))
    assert caught.value.field == "near"


def _availability_selectors():
    try:
        module = importlib.import_module("sharecity.market.availability.selectors")
    except ImportError:
        module = None
    if module is None or not hasattr(module, "available_listing_ids"):
        pytest.skip("availability.selectors.available_listing_ids is not written yet (another context)")
    return module


def test_available_keeps_what_the_availability_context_says_is_free(platform, shop, monkeypatch):
    module = _availability_selectors()
    asked = {}

    def only_the_room(*, listing_ids, starts_at, ends_at, quantity):
        asked.update(ids=set(listing_ids), quantity=quantity)
        return {shop["room"].pk}

    monkeypatch.setattr(module, "available_listing_ids", only_the_room)
    starts = timezone.now() + dt.timedelta(days=2)
    page = listing_search(platform=platform, district="350203", available=(starts, starts + dt.timedelta(days=1), 2))
    assert titles(page) == [shop["room"].title]
    # Only the candidates left by the other filters are asked about.
    assert asked == {"ids": {shop["sem"].pk, shop["room"].pk}, "quantity": 2}


def test_available_agrees_with_the_availability_context(platform, shop):
    module = _availability_selectors()
    starts = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
    window = (starts, starts + dt.timedelta(hours=2), 1)
    free = module.available_listing_ids(listing_ids=[item.pk for item in shop.values()], starts_at=window[0],
                                        ends_at=window[1], quantity=1)
    page = listing_search(platform=platform, available=window)
    assert {item.pk for item in page.items} == free


@pytest.mark.postgres
def test_postgres_text_search_uses_the_gin_index(platform, shop):
    from sharecity.market.listings.search import PG_MATCH

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN SELECT id FROM market_listings_listing WHERE {PG_MATCH}", ["'数控'"])  # noqa: S608
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "listing_search_vector_idx" in plan


@pytest.mark.postgres
def test_postgres_ranks_with_ts_rank(platform, provider):
    listing(platform, provider, "显微镜 共享", "光学显微镜")
    listing(platform, provider, "共享实验室 显微镜", "离心机 培养箱 超净台 通风橱 天平 烘箱")
    page = listing_search(platform=platform, text="显微镜")
    assert [item.text_rank < 0 for item in page.items] == [True, True]
    assert page.items[0].text_rank < page.items[1].text_rank


# --- category words and synonyms -----------------------------------------------------------------------------


@pytest.fixture
def services_shop(platform, provider):
    """Listings whose own text never names their category: 保洁 under 家政, a space under 停车."""
    return {
        "cleaning": listing(platform, provider, "日常保洁 三小时起", "擦窗、厨房、卫生间",
                            category_code="house_cleaning", attributes={"service_type": "routine", "min_hours": 3}),
        "nanny": listing(platform, provider, "住家育儿嫂 持证上岗", "照顾新生儿和产妇", category_code="nanny"),
        "space": listing(platform, provider, "软件园二期地下车库 夜间错峰", "18:00 后可用",
                         category_code="offpeak_parking"),
        "sem": listing(platform, provider, "扫描电子显微镜 SEM", "场发射扫描电镜"),
    }


def _listing_via_service(platform, provider, operator, **fields):
    """A listing made through listing_create, which writes the search text (make_listing writes it directly)."""
    from sharecity.market.catalog.models import Category
    from sharecity.market.catalog.services import platform_category_enable
    from sharecity.market.listings.services import listing_create

    category = Category.objects.get(code=fields.pop("category_code"))
    platform_category_enable(actor=operator, platform=platform, category=category, enabled=True)
    return listing_create(actor=provider, platform=platform, provider=provider, category=category, **fields)


def test_a_category_word_finds_listings_that_never_say_it(platform, provider):
    from sharecity.market.platforms.services import operator_add

    operator = factories.make_user()
    operator_add(actor=None, platform=platform, user=operator)
    made = _listing_via_service(platform, provider, operator, category_code="offpeak_parking",
                                title="软件园二期地下车库 夜间错峰", description="18:00 后可用",
                                attributes={"vehicle_size": "small"}, licences={}, district_code="350206",
                                price_fen=800, price_unit="hour")
    made.status = ListingStatus.PUBLISHED
    made.save(update_fields=["status"])
    assert "停车" in made.search_text.split() and "parking" in made.search_text.split()
    assert titles(listing_search(platform=platform, text="停车", synonyms=False)) == [made.title]
    assert titles(listing_search(platform=platform, text="Parking", synonyms=False)) == [made.title]


def test_a_synonym_finds_what_the_listings_call_it(platform, services_shop):
    # 车位 → 停车 (the category name is in the search text of listings made by the service; here the
    # synonym's words are in the listing's text: 车库 does not say 停车, the title does not either).
    from sharecity.market.listings.models import SearchSynonym

    SearchSynonym.objects.update_or_create(term="月嫂", defaults={"words": ["育儿嫂"]})
    assert titles(listing_search(platform=platform, text="月嫂")) == [services_shop["nanny"].title]
    assert titles(listing_search(platform=platform, text="月嫂", synonyms=False)) == []
    # A synonym widens one word of the query; every other word still has to match.
    assert titles(listing_search(platform=platform, text="月嫂 持证")) == [services_shop["nanny"].title]
    assert titles(listing_search(platform=platform, text="月嫂 显微镜")) == []


def test_the_synonyms_are_seeded_as_data():
    from sharecity.market.listings.models import SearchSynonym

    seeded = dict(SearchSynonym.objects.values_list("term", "words"))
    assert "停车" in seeded["车位"] and "育儿嫂" in seeded["月嫂"] and "保洁" in seeded["钟点工"]


def test_a_synonym_inside_a_longer_word_leaves_the_word_whole():
    """理发 is a search word (→ 美发), but in 社区理发店 it is part of 理发店: cutting it out left a stray 店 that no
    listing has as a word, and the query found nothing. 月嫂, which jieba cuts into 月 / 嫂, is still taken whole."""
    from sharecity.market.listings.search import query_terms

    table = {"理发": ["美发"], "月嫂": ["育儿嫂"]}
    words = [alternatives[0][0] for alternatives in query_terms("社区理发店", synonyms=table)]
    assert words == ["社区", "理发店"]
    assert [alternatives[0][0] for alternatives in query_terms("找个月嫂", synonyms=table)] == ["月嫂", "找个"]
    assert ["美发"] in query_terms("理发", synonyms=table)[0]


def test_a_shop_word_containing_a_synonym_finds_the_shop(platform, provider):
    from sharecity.market.listings.models import SearchSynonym

    SearchSynonym.objects.update_or_create(term="理发", defaults={"words": ["美发", "剪发"]})
    shop = listing(platform, provider, "社区理发店 剪发洗吹", "工具一客一消毒", category_code="hair_salon",
                   attributes={"services": ["cut"], "stylists": 2})
    assert titles(listing_search(platform=platform, text="社区理发店")) == [shop.title]
    assert titles(listing_search(platform=platform, text="理发")) == [shop.title]
