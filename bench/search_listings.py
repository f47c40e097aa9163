"""Listing search: ``listings.search.listing_search`` over 100,000 listings, against plain SQL.

Generates ``--listings`` published listings (Chinese titles and descriptions from templates
across the seeded categories and Xiamen's six districts, coordinates around each district's
centre, typed attributes, prices, ratings), bulk-inserted so that the real search indexes are
filled by the database (SQLite: the FTS5 triggers; PostgreSQL: the GIN tsvector index). A
second platform holds a tenth of them, as a tenant the searches must not see.

Then measures six typical searches through ``listing_search`` (a page of 20 and the total),
each ``--repeat`` times, and the same filtering done with plain SQL on the same data
(``LIKE '%词%'`` on title and description, the same other conditions, haversine in SQL, the
same page and count), and prints p50/p95 of both and their ratio.

    uv run python bench/search_listings.py                                   # SQLite, 100,000 listings
    uv run python bench/search_listings.py --database-url postgresql://postgres@127.0.0.1:5432/sharecity_bench_search
    uv run python bench/search_listings.py --listings 10000 --repeat 10     # a quick look

The database is created afresh (SQLite: the file is deleted; PostgreSQL: the database is
dropped and created; the names ``sharecity``/``test_sharecity`` are refused). Results are
written to ``bench/last_run_search.txt`` (one block per database, the other kept).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import functools
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "last_run_search.txt"

# code: (name, centre latitude, centre longitude, places)
DISTRICTS = {
    "350203": ("思明", 24.4545, 118.0810, ["中山路", "鼓浪屿", "曾厝垵", "厦大", "莲前", "筼筜湖"]),
    "350205": ("海沧", 24.4846, 117.9981, ["海沧湾", "新阳", "嵩屿", "东孚"]),
    "350206": ("湖里", 24.5127, 118.1463, ["五缘湾", "软件园二期", "火炬园", "高崎", "枋湖"]),
    "350211": ("集美", 24.5758, 118.0970, ["集美学村", "杏林", "灌口", "软件园三期"]),
    "350212": ("同安", 24.7231, 118.1520, ["同安城区", "工业集中区", "五显", "汀溪"]),
    "350213": ("翔安", 24.6186, 118.2470, ["马巷", "新店", "翔安南部新城", "内厝"]),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


# -- the listings ---------------------------------------------------------------------------

R = random.Random(20261123)


def pick(items):
    return items[R.randrange(len(items))]


# Per leaf category: titles, descriptions (format with {place}, {n}, {brand}, ...), price range in fen,
# and a maker of attributes (valid for the category's schema).
TEMPLATES: dict[str, dict] = {
    "cnc_machining": {
        "titles": ["{place}五轴数控加工 铝合金精密零件", "数控车床加工 来图定制 {place}", "CNC加工中心 小批量打样",
                   "精密数控加工 不锈钢零件 交期{n}天", "{brand}加工中心 机时共享"],
        "descs": ["拥有{brand}三轴和五轴加工中心，公差可达0.01毫米，支持铝合金、不锈钢、钛合金。",
                  "承接来图来样加工，小批量打样，可开增值税发票，{place}可上门取件。"],
        "price": (8_000, 40_000),
        "attrs": lambda: {"machine_type": pick(["mill_3axis", "mill_5axis", "lathe", "edm"]),
                          "materials": R.sample(["aluminium", "steel", "stainless", "titanium", "copper"], 2),
                          "max_part_mm": R.randrange(100, 3000), "tolerance_mm": pick([0.005, 0.01, 0.02, 0.05]),
                          "lead_time_days": R.randrange(2, 30)},
    },
    "injection_moulding": {
        "titles": ["注塑加工 {n}吨注塑机 {place}", "塑料件注塑成型 开模注塑一站式", "ABS外壳注塑 小批量"],
        "descs": ["{brand}注塑机{n}台，可做PP、ABS、PC、尼龙等材料，含模具设计与开模服务。"],
        "price": (50, 2_000),
        "attrs": lambda: {"clamping_force_t": R.randrange(50, 800), "resins": R.sample(["pp", "abs", "pc", "pa"], 2),
                          "min_order_pieces": pick([100, 500, 1000, 5000]), "lead_time_days": R.randrange(5, 40),
                          "mould_included": R.random() < 0.5},
    },
    "printing_3d": {
        "titles": ["3D打印 光固化手板 {place}", "工业级3D打印服务 尼龙SLS", "金属3D打印 快速原型", "FDM打印 模型定制"],
        "descs": ["{brand}工业级设备，层厚0.05毫米，支持光敏树脂、尼龙和金属粉末，快递包邮。"],
        "price": (500, 30_000),
        "attrs": lambda: {"technology": pick(["fdm", "sla", "sls", "slm"]), "build_volume_mm": "300x300x400",
                          "materials": R.sample(["pla", "resin", "nylon", "metal"], 2), "delivery": "courier"},
    },
    "equipment_rental": {
        "titles": ["叉车出租 {place} 按天租赁", "发电机租赁 {n}千瓦", "高空作业平台出租", "{brand}挖掘机日租"],
        "descs": ["设备状况良好，定期保养，可配操作人员，押金租期结束后七日内退还。"],
        "price": (20_000, 200_000),
        "attrs": lambda: {"equipment_type": pick(["叉车", "发电机", "高空作业平台", "挖掘机"]),
                          "power_kw": R.randrange(5, 500), "operator_included": R.random() < 0.3},
    },
    "lab_instruments": {
        "titles": ["扫描电子显微镜 SEM {place}", "X射线衍射仪 XRD 机时共享", "核磁共振波谱仪 400兆", "激光共聚焦显微镜",
                   "液相色谱质谱联用仪 机时"],
        "descs": ["{brand}场发射扫描电镜，可做能谱分析，需取得上机资格，技术员可协助制样。",
                  "大型科研仪器开放共享，按小时预约，高校及企业用户均可使用。"],
        "price": (10_000, 80_000),
        "attrs": lambda: {"instrument_type": pick(["sem", "tem", "xrd", "nmr", "ms", "confocal"]),
                          "model": f"{pick(['蔡司', '日立', '布鲁克', '赛默飞'])} {R.randrange(100, 999)}",
                          "institution": pick(["厦门大学", "集美大学", "华侨大学", "中科院城市环境研究所"]),
                          "assisted": R.random() < 0.5},
    },
    "testing_services": {
        "titles": ["材料检测 拉伸试验 CMA报告", "食品检测 农残检测", "环境检测 水质检测 {place}", "电磁兼容测试 EMC"],
        "descs": ["具备CMA资质，按国家标准出具检测报告，{n}个工作日出报告。"],
        "price": (20_000, 300_000),
        "attrs": lambda: {"test_field": pick(["materials", "food", "environment", "electrical", "emc"]),
                          "standard": "GB/T 228.1-2021", "turnaround_days": R.randrange(3, 15), "cma": True},
    },
    "skills_tasks": {
        "titles": ["小程序开发 外包", "品牌LOGO设计", "产品说明书文案写作", "短视频剪辑 {n}条起", "数据标注 图像分割"],
        "descs": ["资深{brand}团队，按里程碑交付，支持远程协作，可开发票。"],
        "price": (10_000, 1_000_000),
        "attrs": lambda: {"skill": pick(["software", "design", "writing", "video", "data"]),
                          "delivery_days": R.randrange(3, 60), "remote": True},
    },
    "part_time_experts": {
        "titles": ["高级工程师 兼职技术顾问", "财税专家 企业咨询 {place}", "知识产权顾问 专利申请",
                   "外贸业务专家 兼职"],
        "descs": ["从业{n}年，曾任大型企业技术总监，可提供现场指导与远程咨询。"],
        "price": (20_000, 100_000),
        "attrs": lambda: {"expertise": pick(["机械设计", "财税", "知识产权", "外贸"]),
                          "experience_years": R.randrange(3, 30), "on_site": R.random() < 0.5},
    },
    "interest_courses": {
        "titles": ["少儿美术 {place}小班课", "钢琴一对一陪练", "成人游泳速成班", "少儿编程 机器人课", "书法体验课"],
        "descs": ["专业老师授课，小班教学，每节{n}分钟，可免费试听一节。"],
        "price": (5_000, 30_000),
        "attrs": lambda: {"subject": pick(["arts", "music", "sports", "stem", "language"]),
                          "lesson_minutes": pick([45, 60, 90]), "class_size": R.randrange(1, 12),
                          "mode": pick(["offline", "online"])},
    },
    "online_consultation": {
        "titles": ["儿科复诊 图文问诊", "皮肤科在线复诊", "中医调理 视频问诊", "内科慢病复诊 续方"],
        "descs": ["三甲医院主治医师，仅限复诊，{n}分钟内回复。"],
        "price": (2_000, 20_000),
        "attrs": lambda: {"department": pick(["internal", "paediatrics", "dermatology", "tcm"]),
                          "hospital": pick(["厦门大学附属第一医院", "厦门市中医院", "厦门市妇幼保健院"]),
                          "follow_up_only": True, "mode": pick(["text", "phone", "video"])},
    },
    "offpeak_parking": {
        "titles": ["{place}小区车位 错峰停车", "写字楼夜间车位共享 {place}", "{place}地下车位 白天出租"],
        "descs": ["错峰共享车位，夜间及周末可停，入口有道闸，可充电。"],
        "price": (300, 1_500),
        "attrs": lambda: {"vehicle_size": pick(["small", "medium"]), "covered": R.random() < 0.7,
                          "ev_charging": R.random() < 0.3},
    },
    "homestay": {
        "titles": ["{place}海景民宿 双床房", "{place}老别墅民宿 整套", "近地铁 温馨民宿 可做饭",
                   "{place}花园民宿 亲子房"],
        "descs": ["步行{n}分钟到海边，房东热情，提供接站服务，可住{guests}人。",
                  "闽南古厝改造，安静整洁，带独立卫浴。"],
        "price": (15_000, 120_000),
        "attrs": lambda: {"max_guests": R.randrange(1, 8), "bedrooms": R.randrange(1, 4),
                          "room_type": pick(["entire", "private_room", "shared_room"]),
                          "amenities": R.sample(["wifi", "aircon", "kitchen", "washer", "sea_view"], 3)},
    },
    "short_rental": {
        "titles": ["{place}公寓 短租 月租优惠", "软件园附近 单身公寓 日租", "商务公寓 {place} 拎包入住"],
        "descs": ["精装修公寓，家电齐全，周边配套成熟，{n}晚起租。"],
        "price": (10_000, 50_000),
        "attrs": lambda: {"max_guests": R.randrange(1, 4), "bedrooms": R.randrange(0, 3),
                          "min_nights": R.randrange(1, 7)},
    },
    "house_cleaning": {
        "titles": ["日常保洁 {place} 两小时起", "深度保洁 厨房油污清洗", "开荒保洁 新房入住", "家电清洗 空调油烟机"],
        "descs": ["持健康证上岗，自带工具，做完满意再付款，服务{place}及周边。"],
        "price": (3_000, 8_000),
        "attrs": lambda: {"service_type": pick(["routine", "deep", "move_out", "appliance"]),
                          "min_hours": pick([2, 3, 4]), "brings_tools": True},
    },
    "nanny": {
        "titles": ["住家保姆 会做闽南菜", "金牌月嫂 {n}年经验", "育儿嫂 白班 {place}"],
        "descs": ["持健康证和母婴护理证，从业{n}年，有雇主推荐。"],
        "price": (20_000, 60_000),
        "attrs": lambda: {"service_type": pick(["live_in", "day", "maternity"]),
                          "experience_years": R.randrange(1, 20)},
    },
    "elderly_home_care": {
        "titles": ["居家养老 助浴助洁 {place}", "失能老人上门护理", "老人陪诊 陪伴服务"],
        "descs": ["持证养老护理员上门服务，可助餐、助浴、助医，按小时计费。"],
        "price": (3_000, 10_000),
        "attrs": lambda: {"care_level": pick(["self_care", "partial", "full"]),
                          "services": R.sample(["meals", "bathing", "cleaning", "medical", "companionship"], 2),
                          "experience_years": R.randrange(1, 15)},
    },
    "childcare_centre": {
        "titles": ["{place}托育中心 全日托", "婴幼儿托育 半日托 {place}", "社区托育点 计时托"],
        "descs": ["已备案托育机构，保育员持健康合格证，招收{n}个月以上幼儿。"],
        "price": (10_000, 30_000),
        "attrs": lambda: {"age_months_min": 12, "age_months_max": 36, "places": R.randrange(10, 80),
                          "care_type": pick(["full_day", "half_day", "hourly"])},
    },
    "meal_delivery": {
        "titles": ["沙茶面 {place}外送", "闽南家常菜 套餐配送", "手工烘焙 生日蛋糕", "健康轻食 沙拉外卖"],
        "descs": ["持食品经营许可证，当天现做，{n}公里内配送。"],
        "price": (1_500, 20_000),
        "attrs": lambda: {"cuisine": pick(["minnan", "cantonese", "sichuan", "vegetarian", "snacks", "bakery"]),
                          "delivery_km": pick([3, 5, 8])},
    },
    "second_hand": {
        "titles": ["二手山地自行车 九成新", "闲置婴儿推车", "实木书桌 搬家转让", "二手冰箱 {place}自提"],
        "descs": ["自用闲置，成色很好，{place}可自提，也可同城配送。"],
        "price": (2_000, 200_000),
        "attrs": lambda: {"condition": pick(["like_new", "good", "fair"]), "delivery": pick(["pickup", "same_city"])},
    },
    "second_hand_electronics": {
        "titles": ["二手笔记本电脑 {brand}", "闲置手机 256G 电池健康", "二手单反相机 含镜头", "平板电脑 九五新"],
        "descs": ["已清除个人数据，功能正常，支持验机，{place}面交或快递。"],
        "price": (20_000, 800_000),
        "attrs": lambda: {"condition": pick(["like_new", "good", "fair"]), "delivery": "courier",
                          "device": pick(["phone", "laptop", "tablet", "camera"]),
                          "brand": pick(["华为", "小米", "苹果"]),
                          "data_wiped": True},
    },
    "sports_venues": {
        "titles": ["羽毛球场 {place} 按小时", "室内篮球场 夜场", "五人制足球场 {place}", "网球场 周末可订"],
        "descs": ["场地{n}片，木地板，有夜间照明，可提供器材租借。"],
        "price": (3_000, 30_000),
        "attrs": lambda: {"sport": pick(["badminton", "basketball", "football", "tennis"]),
                          "courts": R.randrange(1, 10), "indoor": R.random() < 0.6},
    },
    "culture_venues": {
        "titles": ["{place}会议室 可容纳{n}人", "小剧场 场地出租", "摄影棚 白底影棚", "展厅 艺术展览场地"],
        "descs": ["配备投影和音响，可办讲座、沙龙和发布会，{place}交通便利。"],
        "price": (10_000, 100_000),
        "attrs": lambda: {"seats": R.randrange(10, 300),
                          "venue_type": pick(["meeting", "theatre", "gallery", "studio"]),
                          "av_equipment": True},
    },
}
BRANDS = ["德玛吉", "马扎克", "海天", "发那科", "联泰", "华曙", "卡特", "科沃斯", "松下", "西门子"]


@functools.lru_cache(maxsize=200_000)
def _tokens(text: str) -> tuple[str, ...]:
    from sharecity.market.listings.text import tokens

    return tuple(tokens(text))


def search_text(title: str, description: str, values) -> str:
    """``listings.text.search_text_for``, segmenting each repeated template text once.

    jieba segments whitespace-separated blocks independently, so the tokens are the same.
    """
    parts = [title, description, *(str(value) for value in values if value not in (None, ""))]
    return " ".join(dict.fromkeys(token for part in parts for token in _tokens(part)))


def make_rows(platforms, providers, categories, count: int):
    from django.utils import timezone

    from sharecity.market.listings.models import Listing, ListingStatus

    codes = list(TEMPLATES)
    now = timezone.now()
    rows = []
    for i in range(count):
        code = codes[i % len(codes)]
        template = TEMPLATES[code]
        district = pick(list(DISTRICTS))
        _name, lat, lon, places = DISTRICTS[district]
        words = {"place": pick(places), "n": R.randrange(2, 30), "brand": pick(BRANDS), "guests": R.randrange(1, 6)}
        title = pick(template["titles"]).format(**words)[:120]
        description = pick(template["descs"]).format(**words)
        attributes = template["attrs"]()
        rated = R.random() < 0.6
        count_ratings = R.randrange(1, 200) if rated else 0
        category = categories[code]
        platform = platforms[1] if i % 10 == 9 else platforms[0]
        rows.append(Listing(
            platform=platform, provider=providers[i % len(providers)], category=category,
            status=ListingStatus.PUBLISHED if i % 20 else ListingStatus.DRAFT,
            title=title, description=description, attributes=attributes,
            district_code=district, address=f"厦门市{DISTRICTS[district][0]}区{words['place']}{R.randrange(1, 300)}号",
            latitude=lat + R.gauss(0, 0.03), longitude=lon + R.gauss(0, 0.03),
            price_fen=R.randrange(*template["price"]), price_unit=category.default_unit,
            capacity=R.randrange(1, 5), process=category.default_process,
            search_text=search_text(title, description, attributes.values()),
            rating_count=count_ratings,
            rating_sum=sum(R.choice((3, 4, 4, 5, 5, 5)) for _ in range(count_ratings)) if rated else 0,
            published_at=now - dt.timedelta(minutes=R.randrange(0, 60 * 24 * 365)),
        ))
    return rows


def populate(total: int) -> dict:
    from django.db import connection, transaction

    from sharecity.kernel.ids import credit_code_with_check_char
    from sharecity.kernel.models import User
    from sharecity.market.catalog.models import Category
    from sharecity.market.listings.models import Listing
    from sharecity.market.platforms.services import platform_create

    with transaction.atomic():
        platforms = [platform_create(actor=None, slug=f"bench-{n}", name=f"基准平台{n}",
                                     credit_code=credit_code_with_check_char(f"9135020{n:010d}"),
                                     sectors=["production_capacity"]) for n in (1, 2)]
        User.objects.bulk_create([User(username=f"bench-provider-{n}") for n in range(500)])
    providers = list(User.objects.filter(username__startswith="bench-provider-"))
    categories = {c.code: c for c in Category.objects.filter(code__in=list(TEMPLATES))}
    began = time.perf_counter()
    batch = 5_000
    for start in range(0, total, batch):
        rows = make_rows(platforms, providers, categories, min(batch, total - start))
        with transaction.atomic():
            Listing.objects.bulk_create(rows, batch_size=1_000)
        if start and start % 25_000 == 0:
            log(f"  {start:,} listings")
    log(f"{total:,} listings generated and inserted in {time.perf_counter() - began:.1f}s")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO market_listings_listing_fts(market_listings_listing_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE market_listings_listing")
    return {"platform": platforms[0], "categories": categories}


# -- the searches ---------------------------------------------------------------------------


def cases(platform, categories) -> list[dict]:
    """Each case: a listing_search call and the plain SQL doing the same filtering."""
    from django.db import connection

    from sharecity.market.catalog.models import Category
    from sharecity.market.catalog.selectors import category_descendant_ids

    pg = connection.vendor == "postgresql"
    production = category_descendant_ids(Category.objects.get(code="production"))
    homestay = categories["homestay"].pk
    lat, lon = 24.4800, 118.1200
    haversine = ("2 * 6371.0088 * asin(sqrt(power(sin(radians(latitude - %s) / 2), 2) + cos(radians(%s)) * "
                 "cos(radians(latitude)) * power(sin(radians(longitude - %s) / 2), 2)))")
    guests = "(attributes->>'max_guests')::int" if pg else "json_extract(attributes, '$.max_guests')"
    room = "attributes->>'room_type'" if pg else "json_extract(attributes, '$.room_type')"
    rating = "rating_sum * 1.0 / NULLIF(rating_count, 0)"
    nulls_last = "DESC NULLS LAST" if pg else "IS NULL, " + rating + " DESC"
    base = "platform_id = %s AND status = 'published'"
    pid = platform.pk

    def like(words):
        sql = " AND ".join("(title LIKE %s OR description LIKE %s)" for _ in words)
        return sql, [p for w in words for p in (f"%{w}%", f"%{w}%")]

    cnc_sql, cnc_params = like(["数控加工"])
    home_sql, home_params = like(["民宿", "海景"])
    clean_sql, clean_params = like(["保洁"])
    in_production = ", ".join(str(pk) for pk in production)
    return [
        {"name": "text only (数控加工)", "search": {"text": "数控加工"},
         "sql": f"WHERE {base} AND {cnc_sql} ORDER BY published_at DESC", "params": [pid, *cnc_params]},
        {"name": "text + district (民宿 海景, 思明)", "search": {"text": "民宿 海景", "district": "350203"},
         "sql": f"WHERE {base} AND district_code = %s AND {home_sql} ORDER BY published_at DESC",
         "params": [pid, "350203", *home_params]},
        {"name": "category + price range", "search": {"category": "production", "price_min": 10_000,
                                                      "price_max": 50_000},
         "sql": f"WHERE {base} AND category_id IN ({in_production}) AND price_fen BETWEEN %s AND %s "
                "ORDER BY published_at DESC", "params": [pid, 10_000, 50_000]},
        {"name": "near a point, 3 km, by distance", "search": {"near": (lat, lon, 3), "sort": "distance"},
         "sql": f"WHERE {base} AND latitude IS NOT NULL AND {haversine} <= %s ORDER BY {haversine}",
         "params": [pid, lat, lat, lon, 3, lat, lat, lon], "distance": True},
        {"name": "attributes (homestay, >=4 guests, entire)",
         "search": {"category": "homestay", "attributes": {"max_guests": (4, None), "room_type": "entire"}},
         "sql": f"WHERE {base} AND category_id = %s AND {guests} >= %s AND {room} = %s ORDER BY published_at DESC",
         "params": [pid, homestay, 4, "entire"]},
        {"name": "text + rating sort (保洁)", "search": {"text": "保洁", "sort": "rating"},
         "sql": f"WHERE {base} AND {clean_sql} ORDER BY {rating} {nulls_last}", "params": [pid, *clean_params]},
    ]


def run_search(platform, case) -> int:
    from sharecity.market.listings.search import listing_search

    page = listing_search(platform=platform, limit=20, **case["search"])
    return page.total


def run_sql(case) -> int:
    from django.db import connection

    table = "market_listings_listing"
    where = case["sql"]
    count_where = where.split(" ORDER BY ")[0]
    count_params = case["params"][:len(case["params"]) - (3 if case.get("distance") else 0)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} {count_where}", count_params)  # noqa: S608
        total = cursor.fetchone()[0]
        cursor.execute(f"SELECT * FROM {table} {where} LIMIT 20", case["params"])  # noqa: S608
        cursor.fetchall()
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(platform, all_cases, repeat: int) -> list[dict]:
    results = []
    for case in all_cases:
        run_search(platform, case)  # warm: jieba, caches, plans
        run_sql(case)
        search_times, sql_times = [], []
        for _ in range(repeat):
            began = time.perf_counter()
            search_total = run_search(platform, case)
            search_times.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            sql_total = run_sql(case)
            sql_times.append((time.perf_counter() - began) * 1000)
        result = {"name": case["name"], "search_total": search_total, "sql_total": sql_total,
                  "search_p50": statistics.median(search_times), "search_p95": percentile(search_times, 0.95),
                  "sql_p50": statistics.median(sql_times), "sql_p95": percentile(sql_times, 0.95)}
        log(f"  {case['name']}: search p50 {result['search_p50']:.1f} ms, SQL p50 {result['sql_p50']:.1f} ms")
        results.append(result)
    return results


def report(args, vendor: str, version: str, results: list[dict]) -> str:
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    lines = [f"== search listings: {vendor} {version}, {args.listings:,} listings (90% on the searched platform, "
             f"95% published), {args.repeat} repeats, {os.cpu_count()} cores, {when} UTC",
             f"{'search':<44} {'listing_search':>19} {'plain SQL (LIKE)':>19} {'ratio':>7} {'hits':>15}",
             f"{'':<44} {'p50':>9} {'p95':>9} {'p50':>9} {'p95':>9} {'p50':>7} {'search/SQL':>15}"]
    for r in results:
        lines.append(f"{r['name']:<44} {r['search_p50']:>7.1f}ms {r['search_p95']:>7.1f}ms {r['sql_p50']:>7.1f}ms "
                     f"{r['sql_p95']:>7.1f}ms {r['search_p50'] / r['sql_p50']:>6.2f}x "
                     f"{r['search_total']:>7,}/{r['sql_total']:<7,}")
    search_median = statistics.median(r["search_p50"] for r in results)
    sql_median = statistics.median(r["sql_p50"] for r in results)
    lines.append(f"median of the six p50s: listing_search {search_median:.1f} ms, plain SQL {sql_median:.1f} ms")
    return "\n".join(lines)


def save(block: str, vendor: str) -> None:
    kept = []
    if RESULTS.exists():
        for part in re.split(r"\n(?=== )", RESULTS.read_text().strip()):
            if part.strip() and not part.startswith(f"== search listings: {vendor}"):
                kept.append(part.strip())
    order = {"sqlite": 0, "postgresql": 1}
    blocks = sorted([*kept, block], key=lambda b: order.get(b.split()[3] if len(b.split()) > 3 else "", 9))
    RESULTS.write_text("\n\n".join(blocks) + "\n")


# -- setup ----------------------------------------------------------------------------------


def prepare_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        import psycopg

        name = parsed.path.lstrip("/")
        if name in {"sharecity", "test_sharecity"}:
            raise SystemExit("refusing to use the database the application and CI use; pick another name")
        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    elif parsed.scheme == "sqlite":
        path = Path(parsed.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        raise SystemExit(f"unknown database URL {url}")


def setup_django(args) -> None:
    os.environ["SHARECITY_DATABASE_URL"] = args.database_url
    os.environ["SHARECITY_VAR_DIR"] = str(args.var_dir)
    os.environ.setdefault("SHARECITY_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("SHARECITY_DATA_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    os.environ["SHARECITY_BUS"] = "local"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sharecity.settings"
    import logging

    import django
    import jieba

    jieba.setLogLevel(logging.WARNING)
    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None,
                        help="default: a SQLite file in the var dir; PostgreSQL e.g. "
                             "postgresql://postgres@127.0.0.1:5432/sharecity_bench_search")
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--var-dir", type=Path, default=None)
    args = parser.parse_args()
    args.var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sharecity-bench-search-"))
    args.database_url = args.database_url or f"sqlite:///{args.var_dir / 'bench-search.sqlite3'}"
    sys.path.insert(0, str(ROOT / "src"))
    prepare_database(args.database_url)
    setup_django(args)

    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0)
    log(f"database {args.database_url} migrated in {time.perf_counter() - began:.1f}s")
    data = populate(args.listings)
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    results = measure(data["platform"], cases(data["platform"], data["categories"]), args.repeat)
    block = report(args, vendor, version, results)
    print()
    print(block)
    save(block, vendor)
    log(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
