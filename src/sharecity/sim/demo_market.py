"""The demo's general marketplace: one platform per city with every vertical of the catalog.

Each leaf category gets a listing, created and submitted through the listing services (so
moderation runs and the hub hears of it), at an address on a real road of its district, with a
capacity that fits the place. A few orders are taken through their transaction processes to
show every stage: paid, shipped and received, reviewed by both sides (on each platform),
complained about, a task with a bid and a paid milestone, and leases paid by the month.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from sharecity.kernel.ids import credit_code_with_check_char, resident_id_with_check_digit
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ
from sharecity.market.accounts.selectors import provider_profile_for
from sharecity.market.accounts.services import provider_verify
from sharecity.market.availability.slots import add_months
from sharecity.market.catalog.models import Category
from sharecity.market.catalog.selectors import attribute_fields, licence_rules
from sharecity.market.catalog.services import catalog_seed, platform_category_enable
from sharecity.market.listings.models import Listing
from sharecity.market.listings.services import listing_create, listing_submit
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.services import operator_add, platform_create

MARKET_PLATFORMS = [
    {"slug": "ludao-share", "name": "鹭岛共享生活", "serial": "91350200MA2YLG003", "city_code": "350200"},
    {"slug": "jinmen-life", "name": "津门生活服务", "serial": "91120101MA05JL004", "city_code": "120100"},
]

# (username, display name, legal name, resident-ID prefix: region 350200/120101, born in the 1980s)
MARKET_PROVIDERS = [
    ("maker", "厦门精工坊 蔡工", "蔡志远", "35020019830415071", "ludao-share"),
    ("lab", "厦大仪器共享中心 许老师", "许文静", "35020019810622082", "ludao-share"),
    ("host", "鼓浪屿民宿 苏姐", "苏美玲", "35020019860208043", "ludao-share"),
    ("carer", "家政阿姨 郭秀英", "郭秀英", "35020019800930064", "ludao-share"),
    ("tj-provider", "津门服务 刘师傅", "刘德福", "12010119840512035", "jinmen-life"),
    ("driver", "鹭岛出行 陈师傅", "陈国栋", "35020019850718011", "ludao-share"),
]

# leaf code: (title, description, price in fen, attribute values, capacity). The capacity is how many can be
# booked at once: machines, rooms and guides one at a time; courts, stylists, beds and places as the attributes
# say; pieces in stock for goods. Each value is one a local would believe (tests/sim/test_demo_believable.py).
LEAF_LISTINGS: dict[str, tuple[str, str, int, dict, int]] = {
    "cnc_machining": ("五轴加工中心闲时产能 铝合金精密零件",
                      "集美工业区五轴加工中心，夜班闲置，可加工铝合金、不锈钢零件，提供首件检测报告。", 18000,
                      {"machine_type": "mill_5axis", "materials": ["aluminium", "stainless"], "max_part_mm": 500,
                       "tolerance_mm": "0.01", "lead_time_days": 7}, 1),
    "injection_moulding": ("280吨注塑机共享 小批量试产",
                           "海沧工厂注塑产线周末空闲，可承接PP、ABS小批量试产，含模具调试。", 150,
                           {"clamping_force_t": 280, "resins": ["pp", "abs"], "min_order_pieces": 500,
                            "lead_time_days": 10}, 10000),
    "printing_3d": ("光固化3D打印手板 三天交付", "工业级SLA设备打印手板模型，表面可打磨上色，按件计价。", 8800,
                    {"technology": "sla", "build_volume_mm": "300x300x400", "materials": ["resin"],
                     "delivery": "courier"}, 50),
    "sheet_metal": ("激光切割与折弯 来图加工", "同安钣金车间提供激光切割、折弯、焊接，来图报价。", 2500,
                    {"max_thickness_mm": "12", "processes": ["laser", "bending", "welding"], "lead_time_days": 5}, 200),
    "equipment_rental": ("小型挖掘机出租 按天计费", "三一小型挖掘机，适合庭院及市政小工程，押金按规定期限退还。", 60000,
                         {"equipment_type": "小型挖掘机", "brand_model": "三一 SY16C"}, 1),
    "lab_instruments": ("场发射扫描电镜 机时共享", "高校仪器共享平台的场发射扫描电镜，配能谱，需持上机资格。", 30000,
                        {"instrument_type": "sem", "model": "Zeiss Sigma 300",
                         "institution": "厦门大学分析测试中心"}, 1),
    "testing_services": ("金属材料拉伸试验 可出CMA报告", "按国家标准进行室温拉伸试验，出具CMA检测报告。", 45000,
                         {"test_field": "materials", "standard": "GB/T 228.1-2021", "turnaround_days": 5}, 20),
    "skills_tasks": ("小程序开发与维护", "承接微信小程序前后端开发，按里程碑交付验收。", 500000,
                     {"skill": "software", "delivery_days": 30}, 1),
    "translation": ("中英商务合同翻译", "专业商务合同与技术文件中英互译，可加盖翻译专用章。", 30000,
                    {"language_pair": "zh_en"}, 5),
    "part_time_experts": ("注册安全工程师 兼职咨询", "为中小企业提供安全生产评估与整改建议，按小时计费。", 40000,
                          {"expertise": "安全生产评估", "experience_years": 12}, 1),
    "shared_employees": ("春节期间共享用工 仓储分拣", "物流企业间共享员工，旺季仓储分拣支援，按天结算。", 28000,
                         {"job": "仓储分拣员", "headcount": 10}, 10),
    "interest_courses": ("少儿书法兴趣课 十课时", "社区书法老师授课，十课时小班教学，每课九十分钟。", 120000,
                         {"subject": "arts", "lesson_minutes": 90, "class_size": 8, "mode": "offline"}, 8),
    "vocational_training": ("育婴员职业技能培训", "符合职业技能标准的育婴员培训课程，结业可参加等级认定。", 260000,
                            {"occupation": "育婴员", "hours": 120}, 30),
    "online_consultation": ("全科医生在线复诊咨询", "慢性病复诊咨询与用药指导，由执业医师在线回复。", 3000,
                            {"department": "internal", "hospital": "社区卫生服务中心", "follow_up_only": True,
                             "mode": "text"}, 20),
    "offpeak_parking": ("写字楼夜间错峰车位", "思明区写字楼地下车位，工作日夜间及周末开放，限停一辆小型车。", 500,
                        {"vehicle_size": "small"}, 1),
    "homestay": ("鼓浪屿海景民宿 双床房", "鼓浪屿内厝澳海景双床房，步行可达码头，含早餐。", 58000,
                 {"max_guests": 2, "bedrooms": 1, "room_type": "private_room"}, 1),
    "short_rental": ("软件园短租公寓 一室一厅", "软件园二期旁精装一室一厅，适合出差短住。", 26000,
                     {"max_guests": 2, "bedrooms": 1}, 1),
    "house_cleaning": ("日常保洁 两小时起", "经验丰富的保洁阿姨，自带工具，两小时起约。", 5000,
                       {"service_type": "routine", "min_hours": 2}, 2),
    "nanny": ("住家育儿嫂 持证上岗", "持健康证及育婴员证，照护零至三岁婴幼儿。", 35000,
              {"service_type": "live_in", "experience_years": 8}, 1),
    "elderly_home_care": ("居家养老助浴助洁服务", "为失能半失能老人提供助浴、助洁、陪诊服务。", 6000,
                          {"care_level": "partial", "services": ["bathing", "cleaning", "companionship"],
                           "experience_years": 6}, 2),
    "elderly_day_care": ("社区日间照料中心 托老", "白天托老，含午餐、午休和康复活动。", 9000,
                         {"beds": 30, "care_level": "self_care"}, 30),
    "childcare_centre": ("社区普惠托育 全日托", "备案托育机构，全日托含两餐两点。", 15000,
                         {"age_months_min": 18, "age_months_max": 36, "places": 40, "care_type": "full_day"}, 40),
    "babysitting": ("临时看护 晚间陪伴", "持健康证的看护人员，晚间临时照看儿童。", 4500,
                    {"age_years_max": 10, "experience_years": 5}, 1),
    "meal_delivery": ("社区长者营养午餐 外送", "中央厨房制作，少油少盐，社区内配送。", 1800,
                      {"cuisine": "minnan", "delivery_km": "3"}, 60),
    "shared_kitchen": ("共享厨房 按小时租用", "持证共享厨房，适合烘焙工作室与小型餐饮试做。", 8000, {"stations": 4}, 4),
    "second_hand": ("九成新儿童自行车 两辆同款", "两个孩子长大闲置，两辆同款，九成新，可当面验货。", 15000,
                    {"condition": "like_new", "delivery": "pickup"}, 2),
    "second_hand_electronics": ("二手笔记本电脑 16G内存", "个人自用笔记本，电池健康，附原装充电器，已恢复出厂设置。",
                                320000, {"condition": "good", "delivery": "courier", "device": "laptop",
                                         "brand": "联想", "data_wiped": True}, 1),
    "sports_venues": ("社区羽毛球场 晚间时段", "四片标准羽毛球场地，晚间时段开放预约，按片计价。", 6000,
                      {"sport": "badminton", "courts": 4}, 4),
    "high_risk_sports": ("成人游泳培训 持证教练", "室内恒温泳池，持证教练小班授课，两名救生员在岗。", 38000,
                         {"sport": "swimming", "lifeguards": 2}, 8),
    "culture_venues": ("文创园小剧场 活动场地", "可容纳八十人的小剧场，适合讲座与演出。", 50000,
                       {"seats": 80, "venue_type": "theatre"}, 1),
    "tour_guides": ("鼓浪屿研学导览 半日", "持证导游带领的鼓浪屿历史建筑研学，每团不超过二十人。", 60000,
                    {"group_size_max": 20, "routes": "钢琴码头—八卦楼—菽庄花园—日光岩"}, 1),
    # The life-service verticals (catalog.seed: ride-hailing to long-term rental).
    "ride_hailing_trip": ("机场接送 舒适型网约车 按小时预约", "双证齐全的网约车，可预约机场、高铁站接送，车内禁烟。",
                          9000, {"vehicle_class": "comfort", "seats": 5, "plate_number": "闽D5A2K8",
                                 "driving_years": 12, "new_energy": True}, 1),
    "bike_fleet_zone": ("思明区中山路片区 共享单车投放", "片区内设电子围栏停放点，投放数量以城市核定配额为准。", 150,
                        {"zone": "中山路—轮渡片区", "vehicle_type": "bike", "fleet_size": 800,
                         "parking_fence": True, "deposit_free": True}, 800),
    "hair_salon": ("社区理发店 剪发洗吹", "持卫生许可证的社区理发店，理发师持健康证明上岗，工具一客一消毒。", 4500,
                   {"services": ["cut", "care"], "stylists": 3}, 3),
    "beauty_salon": ("生活美容 面部基础护理", "仅提供生活美容护理，不做任何医疗美容项目。", 16800,
                     {"services": ["facial", "nails"], "non_medical": True, "beds": 4}, 4),
    "laundry_service": ("上门取送 干洗羽绒服", "干洗、水洗、熨烫，上门取送，三天内送回。", 3500,
                        {"services": ["dry_clean", "wash", "iron"], "turnaround_days": 3, "pickup": True}, 50),
    "appliance_repair": ("空调洗衣机上门维修 维修保修九十天",
                         "家电维修师傅上门检测，先报价后维修，更换配件保修九十天。", 5000,
                         {"appliances": ["aircon", "washer"], "call_out_fee_yuan": 30, "warranty_days": 90,
                          "experience_years": 15}, 5),
    "home_repair": ("水电维修 管道疏通", "水管疏通、电路检修、换锁，一小时内上门。", 8000,
                    {"trades": ["plumbing", "electrical"], "warranty_days": 30, "experience_years": 10}, 5),
    "community_grocery": ("社区生鲜 当日果蔬配送", "社区生鲜店每日到货果蔬肉蛋，半小时送达。", 2980,
                          {"goods": ["produce", "meat"], "delivery": "same_city", "delivery_minutes": 30}, 100),
    "community_goods": ("社区日用百货 纸巾洗衣液", "社区便利店日用品，满额免费配送。", 3990,
                        {"goods": ["household", "personal_care"], "delivery": "same_city"}, 200),
    # Rent by the month (price unit "month"), a month's rent as the deposit.
    "rental_home": ("思明区莲前 两室整租 一年起租", "业主直租，家电齐全，押一付三，押金退还时间写入合同。", 350000,
                    {"bedrooms": 2, "area_m2": "78", "rental_mode": "entire", "lease_months_min": 12,
                     "deposit_months": 1,
                     "deposit_deductions": "拖欠租金或损坏房屋设施，按实际损失扣减，并出具清单"}, 1),
    "rental_apartment": ("软件园长租公寓 单间 半年起租", "住房租赁企业运营，资金监管账户已公示，不捆绑租金贷。", 220000,
                         {"bedrooms": 1, "area_m2": "32", "lease_months_min": 6, "deposit_months": 1,
                          "rent_loan_free": True,
                          "deposit_deductions": "拖欠租金或损坏设施，按实际损失扣减，并出具清单"}, 1),
}

# Tianjin's general market: the same verticals with Tianjin's own places, names and prices (only what differs).
TIANJIN_LISTINGS: dict[str, tuple[str, str, int | None, dict]] = {
    "cnc_machining": ("五轴加工中心闲时产能 铝合金精密零件",
                      "滨海新区开发区五轴加工中心，夜班闲置，可加工铝合金、不锈钢零件，提供首件检测报告。", None, {}),
    "injection_moulding": ("280吨注塑机共享 小批量试产",
                           "滨海新区工厂注塑产线周末空闲，可承接PP、ABS小批量试产，含模具调试。", None, {}),
    "sheet_metal": ("激光切割与折弯 来图加工", "河北区钣金车间提供激光切割、折弯、焊接，来图报价。", None, {}),
    "lab_instruments": ("场发射扫描电镜 机时共享", "高校仪器共享平台的场发射扫描电镜，配能谱，需持上机资格。", None,
                        {"institution": "天津大学分析测试中心"}),
    "offpeak_parking": ("写字楼夜间错峰车位", "和平区写字楼地下车位，工作日夜间及周末开放，限停一辆小型车。", 800, {}),
    "homestay": ("五大道洋楼民宿 双床房", "五大道历史风貌区洋楼内的双床房，步行可达民园广场，含早餐。", 52000, {}),
    "short_rental": ("滨海高新区短租公寓 一室一厅", "海洋高新区精装一室一厅，适合出差短住。", 22000, {}),
    "meal_delivery": ("社区长者营养午餐 外送", "中央厨房制作，少油少盐，社区内配送。", 1800, {"cuisine": "vegetarian"}),
    "high_risk_sports": ("室内攀岩体验课 持证教练", "室内攀岩馆，持证教练带领，含安全带和攀岩鞋。", 16800,
                         {"sport": "climbing", "lifeguards": 2}),
    "culture_venues": ("意式风情区小剧场 活动场地", "可容纳八十人的小剧场，适合讲座与演出。", 50000, {}),
    "tour_guides": ("五大道研学导览 半日", "持证导游带领的五大道历史建筑研学，每团不超过二十人。", 50000,
                    {"routes": "民园广场—庆王府—疙瘩楼—睦南道"}),
    "ride_hailing_trip": ("机场接送 舒适型网约车 按小时预约",
                          "双证齐全的网约车，可预约滨海机场、天津站接送，车内禁烟。", 9000,
                          {"plate_number": "津A3B7Q6"}),
    "bike_fleet_zone": ("和平区滨江道片区 共享单车投放", "片区内设电子围栏停放点，投放数量以城市核定配额为准。", 150,
                        {"zone": "滨江道—南京路片区"}),
    "rental_home": ("河西区友谊路 两室整租 一年起租", "业主直租，家电齐全，押一付三，押金退还时间写入合同。", 320000,
                    {"area_m2": "82"}),
    "rental_apartment": ("南开区长租公寓 单间 半年起租", "住房租赁企业运营，资金监管账户已公示，不捆绑租金贷。", 180000,
                         {"area_m2": "30"}),
}

# Where each listing is: (district code, street address in that district). Real roads of the district.
PLACES: dict[str, dict[str, tuple[str, str]]] = {
    "ludao-share": {
        "cnc_machining": ("350211", "厦门市集美区杏林湾路 56 号"),
        "injection_moulding": ("350205", "厦门市海沧区沧林路 18 号"),
        "printing_3d": ("350206", "厦门市湖里区枋湖路 220 号"),
        "sheet_metal": ("350212", "厦门市同安区同集南路 1188 号"),
        "equipment_rental": ("350213", "厦门市翔安区翔安南路 306 号"),
        "lab_instruments": ("350203", "厦门市思明区思明南路 422 号"),
        "testing_services": ("350206", "厦门市湖里区湖里大道 30 号"),
        "skills_tasks": ("350203", "厦门市思明区观日路 46 号"),
        "translation": ("350203", "厦门市思明区鹭江道 100 号"),
        "part_time_experts": ("350206", "厦门市湖里区仙岳路 4688 号"),
        "shared_employees": ("350206", "厦门市湖里区象屿路 93 号"),
        "interest_courses": ("350203", "厦门市思明区中山路 178 号"),
        "vocational_training": ("350211", "厦门市集美区集美大道 1300 号"),
        "online_consultation": ("350203", "厦门市思明区湖滨南路 201 号"),
        "offpeak_parking": ("350203", "厦门市思明区湖滨南路 388 号"),
        "homestay": ("350203", "厦门市思明区鼓浪屿内厝澳路 36 号"),
        "short_rental": ("350203", "厦门市思明区观日路 52 号"),
        "house_cleaning": ("350206", "厦门市湖里区枋湖路 58 号"),
        "nanny": ("350203", "厦门市思明区莲前西路 699 号"),
        "elderly_home_care": ("350205", "厦门市海沧区海沧大道 567 号"),
        "elderly_day_care": ("350206", "厦门市湖里区湖里大道 62 号"),
        "childcare_centre": ("350211", "厦门市集美区杏林湾路 88 号"),
        "babysitting": ("350203", "厦门市思明区莲前西路 201 号"),
        "meal_delivery": ("350203", "厦门市思明区中山路 96 号"),
        "shared_kitchen": ("350206", "厦门市湖里区仙岳路 310 号"),
        "second_hand": ("350211", "厦门市集美区集美大道 668 号"),
        "second_hand_electronics": ("350203", "厦门市思明区湖滨南路 619 号"),
        "sports_venues": ("350212", "厦门市同安区环城南路 300 号"),
        "high_risk_sports": ("350206", "厦门市湖里区仙岳路 1560 号"),
        "culture_venues": ("350203", "厦门市思明区大学路 58 号"),
        "tour_guides": ("350203", "厦门市思明区鼓浪屿龙头路 8 号"),
        "ride_hailing_trip": ("350206", "厦门市湖里区枋湖路 300 号"),
        "bike_fleet_zone": ("350203", "厦门市思明区中山路 1 号"),
        "hair_salon": ("350205", "厦门市海沧区海沧大道 899 号"),
        "beauty_salon": ("350211", "厦门市集美区集美大道 1688 号"),
        "laundry_service": ("350212", "厦门市同安区环城南路 86 号"),
        "appliance_repair": ("350213", "厦门市翔安区翔安南路 1 号"),
        "home_repair": ("350212", "厦门市同安区同集南路 66 号"),
        "community_grocery": ("350213", "厦门市翔安区翔安北路 3355 号"),
        "community_goods": ("350205", "厦门市海沧区沧林路 100 号"),
        "rental_home": ("350203", "厦门市思明区莲前西路 466 号"),
        "rental_apartment": ("350203", "厦门市思明区观日路 28 号"),
    },
    "jinmen-life": {
        "cnc_machining": ("120116", "天津市滨海新区第三大街 51 号"),
        "injection_moulding": ("120116", "天津市滨海新区洞庭路 220 号"),
        "printing_3d": ("120104", "天津市南开区鞍山西道 192 号"),
        "sheet_metal": ("120105", "天津市河北区金纬路 88 号"),
        "equipment_rental": ("120116", "天津市滨海新区洞庭路 36 号"),
        "lab_instruments": ("120104", "天津市南开区卫津路 92 号"),
        "testing_services": ("120103", "天津市河西区友谊路 35 号"),
        "skills_tasks": ("120104", "天津市南开区鞍山西道 300 号"),
        "translation": ("120101", "天津市和平区南京路 189 号"),
        "part_time_experts": ("120103", "天津市河西区友谊路 18 号"),
        "shared_employees": ("120116", "天津市滨海新区第三大街 19 号"),
        "interest_courses": ("120104", "天津市南开区红旗路 278 号"),
        "vocational_training": ("120105", "天津市河北区中山路 8 号"),
        "online_consultation": ("120101", "天津市和平区南京路 228 号"),
        "offpeak_parking": ("120101", "天津市和平区南京路 75 号"),
        "homestay": ("120101", "天津市和平区睦南道 56 号"),
        "short_rental": ("120116", "天津市滨海新区洞庭路 150 号"),
        "house_cleaning": ("120103", "天津市河西区友谊路 60 号"),
        "nanny": ("120104", "天津市南开区红旗路 120 号"),
        "elderly_home_care": ("120105", "天津市河北区金纬路 210 号"),
        "elderly_day_care": ("120104", "天津市南开区鞍山西道 66 号"),
        "childcare_centre": ("120103", "天津市河西区友谊路 140 号"),
        "babysitting": ("120101", "天津市和平区滨江道 200 号"),
        "meal_delivery": ("120105", "天津市河北区中山路 120 号"),
        "shared_kitchen": ("120104", "天津市南开区红旗路 66 号"),
        "second_hand": ("120103", "天津市河西区友谊路 200 号"),
        "second_hand_electronics": ("120104", "天津市南开区鞍山西道 150 号"),
        "sports_venues": ("120103", "天津市河西区友谊路 100 号"),
        "high_risk_sports": ("120116", "天津市滨海新区第三大街 88 号"),
        "culture_venues": ("120105", "天津市河北区光明道 20 号"),
        "tour_guides": ("120101", "天津市和平区睦南道 20 号"),
        "ride_hailing_trip": ("120103", "天津市河西区友谊路 2 号"),
        "bike_fleet_zone": ("120101", "天津市和平区滨江道 1 号"),
        "hair_salon": ("120101", "天津市和平区滨江道 126 号"),
        "beauty_salon": ("120103", "天津市河西区友谊路 80 号"),
        "laundry_service": ("120104", "天津市南开区红旗路 200 号"),
        "appliance_repair": ("120105", "天津市河北区金纬路 50 号"),
        "home_repair": ("120103", "天津市河西区友谊路 120 号"),
        "community_grocery": ("120104", "天津市南开区鞍山西道 20 号"),
        "community_goods": ("120116", "天津市滨海新区洞庭路 80 号"),
        "rental_home": ("120103", "天津市河西区友谊路 160 号"),
        "rental_apartment": ("120104", "天津市南开区红旗路 160 号"),
    },
}

# Which demo provider offers each top-level vertical (the rest go to "carer").
VERTICAL_PROVIDERS = {"production": "maker", "skills": "maker", "talent": "maker", "research": "lab",
                      "education": "lab", "medical": "lab", "lodging": "host", "culture_sports": "host",
                      "parking": "host", "idle_goods": "host", "ride_hailing": "driver", "bike_sharing": "driver",
                      "long_term_rental": "host"}


def _value_for(definition: dict, given: dict):
    name = definition["name"]
    if name in given:
        return given[name]
    kind = definition["type"]
    choices = definition.get("choices") or []
    if kind == "choice":
        return choices[0]["value"]
    if kind == "multichoice":
        return [choices[0]["value"]]
    if kind == "bool":
        return True
    if kind == "int":
        low, high = int(definition.get("min", 1)), int(definition.get("max", 100))
        return max(low, min(high, 10 if low <= 10 else low))
    if kind == "decimal":
        low, high = float(definition.get("min", 1)), float(definition.get("max", 100))
        return str(max(low, min(high, 1.0 if low <= 1 else low)))
    if kind == "date":
        return (timezone.now().astimezone(CITY_TZ).date() + dt.timedelta(days=30)).isoformat()
    return definition.get("label_zh", name)[:definition.get("max_length", 60)]


def attributes_for(*, category: Category, platform: Platform, given: dict) -> dict:
    """Values for every required field (and the optional ones the demo names)."""
    values = {}
    for definition in attribute_fields(category=category, platform=platform):
        if definition.get("required") or definition["name"] in given:
            values[definition["name"]] = _value_for(definition, given)
    return values


def licence_number_for(rule: dict, serial: int) -> str:
    pattern = rule.get("pattern") or ""
    digits = re.fullmatch(r"\^(\w*)\\d\{(\d+)\}\$", pattern)
    if digits:
        prefix, count = digits.group(1), int(digits.group(2))
        return prefix + str(350200_0000_0000_00 + serial).rjust(count, "0")[-count:]
    return f"闽厦证字〔2025〕第{serial:05d}号"


def licences_for(*, category: Category, platform: Platform) -> dict:
    return {rule["code"]: licence_number_for(rule, index + 1)
            for index, rule in enumerate(licence_rules(category=category, platform=platform))
            if rule.get("holder") in ("listing", "provider")}


@dataclass
class MarketDemo:
    platforms: dict[str, Platform]
    listings: dict[tuple[str, str], Listing]


def _user(username: str, display_name: str, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=password, display_name=display_name)
    return user


def _top_level(category: Category) -> Category:
    while category.parent_id is not None:
        category = category.parent
    return category


def market_demo_load(*, admin: User, operator: User, password: str) -> MarketDemo:
    """Create the market platforms, enable every category, and list something in each leaf."""
    catalog_seed()
    platforms: dict[str, Platform] = {}
    tops = list(Category.objects.filter(parent__isnull=True, is_active=True))
    for spec in MARKET_PLATFORMS:
        platform = platform_create(
            actor=admin, slug=spec["slug"], name=spec["name"],
            credit_code=credit_code_with_check_char(spec["serial"]),
            sectors=sorted({top.sector for top in tops}), city_code=spec["city_code"],
        )
        operator_add(actor=admin, platform=platform, user=operator)
        for top in tops:
            platform_category_enable(actor=operator, platform=platform, category=top, enabled=True, with_children=True)
        platforms[spec["slug"]] = platform
    providers: dict[str, User] = {}
    for username, display, legal, prefix, home in MARKET_PROVIDERS:
        person = _user(username, display, password)
        if provider_profile_for(person) is None:
            provider_verify(actor=person, user=person, kind="person", legal_name=legal,
                            id_number=resident_id_with_check_digit(prefix), platform=platforms[home])
        providers[username] = person
    listings: dict[tuple[str, str], Listing] = {}
    leaves = {category.code: category for category in Category.objects.filter(code__in=LEAF_LISTINGS)}
    for spec in MARKET_PLATFORMS:
        platform = platforms[spec["slug"]]
        for code, (title, description, price_fen, given, capacity) in LEAF_LISTINGS.items():
            category = leaves.get(code)
            if category is None:
                continue
            if spec["slug"] == "jinmen-life":
                provider = providers["tj-provider"]
                if code in TIANJIN_LISTINGS:
                    title, description, tianjin_price, changed = TIANJIN_LISTINGS[code]
                    price_fen, given = tianjin_price or price_fen, {**given, **changed}
            else:
                provider = providers[VERTICAL_PROVIDERS.get(_top_level(category).code, "carer")]
            district_code, address = PLACES[spec["slug"]][code]
            rental = category.default_process == "rental_deposit"
            # A lease's deposit is the months of rent it names; other rentals a flat 500 yuan.
            deposit_fen = (price_fen * given.get("deposit_months", 0) if "deposit_months" in given
                           else 50_000 if rental else 0)
            listing = listing_create(
                actor=provider, platform=platform, provider=provider, category=category, title=title,
                description=description, attributes=attributes_for(category=category, platform=platform, given=given),
                licences=licences_for(category=category, platform=platform),
                district_code=district_code, address=address, price_fen=price_fen,
                price_unit=category.default_unit, capacity=capacity,
                deposit_fen=deposit_fen, deposit_refund_days=3 if rental else 0,
            )
            listings[(spec["slug"], code)] = listing_submit(actor=provider, listing=listing)
    return MarketDemo(platforms=platforms, listings=listings)


def _slot(listing: Listing, *, days_ahead: int) -> tuple[dt.datetime | None, dt.datetime | None]:
    """A slot the listing's unit accepts, ``days_ahead`` days from now (in city time)."""
    today = timezone.now().astimezone(CITY_TZ).date() + dt.timedelta(days=days_ahead)
    if listing.price_unit == "hour":
        start = dt.datetime.combine(today, dt.time(10), tzinfo=CITY_TZ)
        return start, start + dt.timedelta(hours=2)
    if listing.price_unit in ("day", "night"):
        start = dt.datetime.combine(today, dt.time(0), tzinfo=CITY_TZ)
        return start, start + dt.timedelta(days=2)
    if listing.price_unit == "month":  # the shortest lease the listing offers
        start = dt.datetime.combine(today, dt.time(0), tzinfo=CITY_TZ)
        months = listing.attributes.get("lease_months_min") or 1
        return start, dt.datetime.combine(add_months(today, months), dt.time(0), tzinfo=CITY_TZ)
    return None, None


def market_demo_orders(demo: MarketDemo, *, consumer: User, tianjin_consumer: User) -> None:
    """Orders in every stage on the Xiamen market platform, and a few on Tianjin's, through the transaction
    processes; on each platform a purchase completed and reviewed by both sides."""
    from sharecity.market.complaints.services import complaint_file_order
    from sharecity.market.orders.services import (
        bid_accept,
        bid_submit,
        order_place,
        order_transition,
        task_post,
    )
    from sharecity.market.reviews.services import review_submit

    platform = demo.platforms["ludao-share"]

    def place(code: str, days_ahead: int = 3):
        listing = demo.listings[("ludao-share", code)]
        starts_at, ends_at = _slot(listing, days_ahead=days_ahead)
        return order_place(actor=consumer, platform=platform, listing=listing, customer=consumer,
                           starts_at=starts_at, ends_at=ends_at)

    # Upcoming bookings, paid (instant) or accepted (request to book), and a rental with its deposit.
    order_transition(actor=consumer, order=place("lab_instruments", 4), transition="pay")
    homestay = order_transition(actor=consumer, order=place("homestay", 9), transition="pay")
    order_transition(actor=homestay.provider, order=homestay, transition="accept")
    order_transition(actor=consumer, order=place("equipment_rental", 6), transition="pay")
    place("house_cleaning", 5)  # awaiting payment: the hold expires unless paid
    # A six-month lease of the serviced apartment from next week, paid with a month's rent as the deposit.
    order_transition(actor=consumer, order=place("rental_apartment", 7), transition="pay")

    # One of the two second-hand bicycles, shipped, received and reviewed by both sides.
    bicycle = order_transition(actor=consumer, order=place("second_hand"), transition="pay")
    bicycle = order_transition(actor=bicycle.provider, order=bicycle, transition="ship", tracking_no="SF1402233851")
    bicycle = order_transition(actor=consumer, order=bicycle, transition="confirm_receipt")
    review_submit(actor=consumer, order=bicycle, rating=5, comment="车子和描述一致，卖家很耐心。")
    review_submit(actor=bicycle.provider, order=bicycle, rating=5, comment="买家准时付款，沟通顺畅。")

    # A meal delivery that arrived cold: shipped, then a complaint waiting for the platform's answer.
    meal = order_transition(actor=consumer, order=place("meal_delivery"), transition="pay")
    meal = order_transition(actor=meal.provider, order=meal, transition="ship", tracking_no="DD20251123001")
    complaint_file_order(actor=consumer, order=meal, category="not_as_described",
                         description="送达时饭菜已经凉了，比约定时间晚了四十分钟。", remedy="refund")

    # A skills task: posted, bid on, accepted, funded, the first milestone delivered and paid.
    maker = demo.listings[("ludao-share", "skills_tasks")].provider
    from sharecity.market.catalog.selectors import category_get

    task = task_post(actor=consumer, platform=platform, customer=consumer, category=category_get(code="skills_tasks"),
                     title="社区团购小程序开发", description="需要一个社区团购小程序，含商品管理和订单后台。",
                     budget_fen=1_200_000, deadline=timezone.now() + dt.timedelta(days=40), district_code="350203")
    bid = bid_submit(actor=maker, task=task, provider=maker, amount_fen=980_000, days=30, milestone_plan=[
        {"title": "原型与界面设计", "amount_fen": 280_000}, {"title": "开发与上线", "amount_fen": 700_000}])
    order = order_transition(actor=consumer, order=bid_accept(actor=consumer, bid=bid), transition="fund")
    first = order.milestones.order_by("pk").first()
    order = order_transition(actor=maker, order=order, transition="deliver_milestone", milestone_id=first.pk)
    order_transition(actor=consumer, order=order, transition="approve_milestone", milestone_id=first.pk)

    _tianjin_orders(demo, consumer=tianjin_consumer)


def _tianjin_orders(demo: MarketDemo, *, consumer: User) -> None:
    """Tianjin's market: a second-hand purchase received and reviewed by both sides, groceries paid, a
    year's lease paid and a homestay request waiting for the host."""
    from sharecity.market.orders.services import order_place, order_transition
    from sharecity.market.reviews.services import review_submit

    platform = demo.platforms["jinmen-life"]

    def place(code: str, days_ahead: int = 3):
        listing = demo.listings[("jinmen-life", code)]
        starts_at, ends_at = _slot(listing, days_ahead=days_ahead)
        return order_place(actor=consumer, platform=platform, listing=listing, customer=consumer,
                           starts_at=starts_at, ends_at=ends_at)

    laptop = order_transition(actor=consumer, order=place("second_hand_electronics"), transition="pay")
    laptop = order_transition(actor=laptop.provider, order=laptop, transition="ship", tracking_no="YT7528830194")
    laptop = order_transition(actor=consumer, order=laptop, transition="confirm_receipt")
    review_submit(actor=consumer, order=laptop, rating=5, comment="电脑成色和描述一致，包装很仔细。")
    review_submit(actor=laptop.provider, order=laptop, rating=5, comment="买家收货及时，沟通爽快。")
    order_transition(actor=consumer, order=place("community_grocery"), transition="pay")
    order_transition(actor=consumer, order=place("rental_home", 10), transition="pay")
    order_transition(actor=consumer, order=place("homestay", 12), transition="pay")

def market_demo_rides(demo: MarketDemo, *, consumer: User) -> list:
    """A ride-hailing trip completed three days ago on each market platform, in Xiamen (Fujian) and Tianjin: both
    provinces are in the occupational-injury pilot since 2025-07-01 (人社部发〔2025〕24号), so each completed ride
    is recorded as covered. No per-order rate ships with ShareCity (none could be verified), so the demo shows the
    honest state: in the pilot, rate not loaded, no contribution computed, until the operator loads the rate.

    The rides run on a clock set three days back (as the simulation's history does), so every fact they send is
    dated in the past."""
    from unittest import mock

    from sharecity.market.orders.services import order_place, order_transition, timers_fire

    today = timezone.now().astimezone(CITY_TZ).date()
    start = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(10), tzinfo=CITY_TZ)
    end = start + dt.timedelta(hours=2)
    orders = []
    with mock.patch("django.utils.timezone.now", return_value=start - dt.timedelta(hours=2)):
        for slug in ("ludao-share", "jinmen-life"):
            listing = demo.listings.get((slug, "ride_hailing_trip"))
            if listing is None:
                continue
            order = order_place(actor=consumer, platform=listing.platform, listing=listing, customer=consumer,
                                starts_at=start, ends_at=end)
            order = order_transition(actor=consumer, order=order, transition="pay")
            if order.state == "requested":
                order = order_transition(actor=listing.provider, order=order, transition="accept")
            orders.append(order)
    with mock.patch("django.utils.timezone.now", return_value=end):
        timers_fire(now=end)
    return orders
