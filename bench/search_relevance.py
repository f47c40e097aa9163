"""Search relevance: precision at 10 of Chinese queries people type, over a platform's listings.

A corpus of published listings, every leaf category of the catalogue in each of Xiamen's six districts (texts
of the demo marketplace, ``sim.demo_market.LEAF_LISTINGS``), is searched with ``listing_search`` for each query of
``QUERIES`` (the words of Xiamen's and Tianjin's service lists and the everyday words beside them), and each
query's first ten results are judged by their category: relevant when it is one the query names.

Precision at 10 is the share of relevant results among the first ten, out of ten or of the relevant listings
there are when fewer. The baseline, measured in the same run on a second platform holding the same listings:
search text of the title, description and attributes only, and no synonyms (what search did before the
category names and the synonym table).

    uv run python bench/search_relevance.py [--out bench/last_run_relevance.txt]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

# query → the leaf categories whose listings are relevant
QUERIES: dict[str, set[str]] = {
    "家政": {"house_cleaning", "nanny"}, "保洁": {"house_cleaning"}, "钟点工": {"house_cleaning"},
    "日常保洁": {"house_cleaning"}, "深度保洁": {"house_cleaning"}, "停车": {"offpeak_parking"},
    "车位": {"offpeak_parking"}, "停车位": {"offpeak_parking"}, "错峰停车": {"offpeak_parking"},
    "保姆": {"nanny"}, "月嫂": {"nanny"}, "育儿嫂": {"nanny"}, "民宿": {"homestay", "short_rental"},
    "住宿": {"homestay", "short_rental"}, "短租": {"short_rental", "homestay"}, "酒店": {"homestay", "short_rental"},
    "公寓": {"short_rental"}, "仪器": {"lab_instruments"}, "科研仪器": {"lab_instruments"},
    "电镜": {"lab_instruments"}, "实验室": {"lab_instruments", "testing_services"}, "检测": {"testing_services"},
    "检验检测": {"testing_services"}, "化验": {"testing_services"}, "数控加工": {"cnc_machining"},
    "加工": {"cnc_machining", "sheet_metal", "injection_moulding"}, "注塑": {"injection_moulding"},
    "钣金": {"sheet_metal"}, "设备租赁": {"equipment_rental"}, "挖掘机": {"equipment_rental"},
    "养老": {"elderly_home_care", "elderly_day_care"}, "老人": {"elderly_home_care", "elderly_day_care"},
    "居家养老": {"elderly_home_care"}, "日间照料": {"elderly_day_care"}, "托育": {"childcare_centre"},
    "带娃": {"childcare_centre", "babysitting", "nanny"}, "临时看护": {"babysitting"},
    "外卖": {"meal_delivery"}, "送餐": {"meal_delivery"}, "共享厨房": {"shared_kitchen"},
    "二手": {"second_hand", "second_hand_electronics"}, "闲置": {"second_hand", "second_hand_electronics"},
    "二手数码": {"second_hand_electronics"}, "翻译": {"translation"}, "兼职专家": {"part_time_experts"},
    "共享用工": {"shared_employees"}, "职业培训": {"vocational_training"}, "兴趣课程": {"interest_courses"},
    "问诊": {"online_consultation"}, "看病": {"online_consultation"}, "运动场馆": {"sports_venues"},
    "球场": {"sports_venues"}, "健身": {"sports_venues"}, "导游": {"tour_guides"}, "研学": {"tour_guides"},
    "旅游": {"tour_guides"}, "文化活动": {"culture_venues"}, "housekeeping": {"house_cleaning", "nanny"},
    "parking": {"offpeak_parking"}, "homestay": {"homestay"},
}
DISTRICTS = ("350203", "350205", "350206", "350211", "350212", "350213")


def corpus(platform, provider, *, enriched: bool) -> int:
    """Every leaf category's demo listing in each district, published on ``platform``."""
    from sharecity.kernel.districts import district_name
    from sharecity.market.catalog.models import Category
    from sharecity.market.listings.models import Listing
    from sharecity.market.listings.services import search_text_of
    from sharecity.market.listings.text import search_text_for
    from sharecity.sim.demo_market import LEAF_LISTINGS

    leaves = {c.code: c for c in Category.objects.filter(code__in=list(LEAF_LISTINGS), children__isnull=True)}
    made = []
    for code, (title, description, price, attributes, _capacity) in sorted(LEAF_LISTINGS.items()):
        if code not in leaves:
            continue
        for district in DISTRICTS:
            name = district_name(district)
            listing = Listing(platform=platform, provider=provider, category=leaves[code], status="published",
                              title=f"{name} {title.replace('鼓浪屿', name)}"[:80], description=description,
                              attributes=dict(attributes), district_code=district, price_fen=price,
                              price_unit=leaves[code].default_unit)
            listing.search_text = (search_text_of(listing) if enriched else search_text_for(
                title=listing.title, description=listing.description, values=listing.attributes.values()))
            made.append(listing)
    Listing.objects.bulk_create(made)
    return len(made)


def precision_at_10(platform, query: str, relevant: set[str], *, synonyms: bool) -> tuple[float, list[str]]:
    from sharecity.market.listings.models import Listing
    from sharecity.market.listings.search import listing_search

    page = listing_search(platform=platform, text=query, limit=10, synonyms=synonyms)
    got = [listing.category.code for listing in page.items]
    there = Listing.objects.filter(platform=platform, category__code__in=relevant).count()
    hits = sum(code in relevant for code in got)
    return (hits / min(10, there) if there else 0.0), got


def measure(queries: dict[str, set[str]] | None = None) -> dict:
    from tests import factories

    from sharecity.market.platforms.models import Platform

    queries = queries or QUERIES
    provider = factories.make_user("relevance-provider")
    before = factories.make_platform(slug="relevance-before")
    after = factories.make_platform(slug="relevance-after")
    listings = corpus(before, provider, enriched=False)
    corpus(after, provider, enriched=True)
    rows = []
    for query, relevant in queries.items():
        p_before, _got = precision_at_10(before, query, relevant, synonyms=False)
        p_after, got = precision_at_10(after, query, relevant, synonyms=True)
        rows.append({"query": query, "relevant": sorted(relevant), "before": p_before, "after": p_after,
                     "top": got[:3]})
    assert Platform.objects.filter(slug__startswith="relevance-").count() == 2
    return {"listings": listings, "rows": rows, "before": statistics.mean(r["before"] for r in rows),
            "after": statistics.mean(r["after"] for r in rows),
            "zero_before": sum(r["before"] == 0 for r in rows), "zero_after": sum(r["after"] == 0 for r in rows)}


def table(result: dict) -> str:
    lines = [f"{len(result['rows'])} queries over {result['listings']} listings (each leaf category in six "
             f"districts); precision at 10, judged by category.", "",
             f"{'query':<14} {'before':>7} {'after':>7}  relevant categories"]
    for row in result["rows"]:
        lines.append(f"{row['query']:<14} {row['before']:>7.0%} {row['after']:>7.0%}  {', '.join(row['relevant'])}")
    lines += ["", f"mean precision at 10: before {result['before']:.0%} (queries finding nothing relevant: "
              f"{result['zero_before']}), after {result['after']:.0%} ({result['zero_after']}).",
              "before: search text of title, description and attributes, no synonyms (the baseline, same run); "
              "after: with the category path's names in the search text and the synonym table."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the table here")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    sys.path[:0] = [str(root / "src"), str(root)]
    os.environ["SHARECITY_VAR_DIR"] = tempfile.mkdtemp(prefix="sharecity-bench-relevance-")
    os.environ.pop("SHARECITY_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sharecity.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    text = table(measure())
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
