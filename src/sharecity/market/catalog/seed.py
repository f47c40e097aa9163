"""The category tree every database starts with: each vertical of issue 3, top level and leaves.

Plain data (no ORM): ``catalog.services.catalog_seed`` writes it, a data migration runs that.
Top-level categories carry no fields of their own; each leaf has its attribute schema, its
default process and price unit, and the licences Chinese law asks of it. A ``legal_reference``
names the rule a licence comes from, so moderation can cite it in a statement of reasons.
"""

from __future__ import annotations

from typing import Any

PROCESSES = ("instant_booking", "request_to_book", "purchase_delivery", "task_bidding", "rental_deposit")
FIELD_TYPES = ("int", "decimal", "text", "choice", "multichoice", "bool", "date")


def field(name: str, label_zh: str, label_en: str, type: str, **options: Any) -> dict:
    definition = {"name": name, "label_zh": label_zh, "label_en": label_en, "type": type,
                  "required": options.pop("required", False)}
    definition.update(options)
    if type in ("int", "decimal", "choice", "bool") and "filterable" not in definition:
        definition["filterable"] = True
    return definition


def choices(*pairs: tuple[str, str, str]) -> list[dict]:
    return [{"value": value, "label_zh": zh, "label_en": en} for value, zh, en in pairs]


def licence(code: str, label_zh: str, label_en: str, holder: str, legal_reference: str, pattern: str = "") -> dict:
    return {"code": code, "label_zh": label_zh, "label_en": label_en, "holder": holder,
            "pattern": pattern, "legal_reference": legal_reference}


# --- licences ------------------------------------------------------------------------------

SPECIAL_INDUSTRY = licence(
    "special_industry_licence", "特种行业许可证（旅馆业）", "Special-industry licence (lodging)", "listing",
    "《旅馆业治安管理办法》第四条：开办旅馆须经公安机关批准，领取特种行业许可证")
# The rule that sets the health check of domestic workers is the two ministries' notice of 2020-06-23 (it gives
# effect to 国办发〔2019〕30号, which asked for it): four grades of check by whom the worker serves.
HEALTH_CHECK_BASIS = ("《商务部 国家卫生健康委员会关于建立家政服务员分类体检制度的通知》（商服贸规函〔2020〕191号，"
                      "2020年6月23日）二：家政服务员按一般家政服务员、居家家政服务员、养老照护服务员、母婴照护服务员"
                      "分类体检，按规定定期体检")
HEALTH_CERTIFICATE = licence(
    "health_certificate", "健康证明（健康证）", "Health certificate", "provider",
    HEALTH_CHECK_BASIS)
FOOD_HANDLER_HEALTH = licence(
    "health_certificate", "健康证明（健康证）", "Health certificate", "provider",
    "《中华人民共和国食品安全法》第四十五条：接触直接入口食品的人员取得健康证明后方可上岗")
CHILDCARE_HEALTH = licence(
    "health_certificate", "托幼机构工作人员健康合格证", "Childcare staff health certificate", "provider",
    "《托儿所幼儿园卫生保健管理办法》第十三条：工作人员上岗前须经健康检查，取得健康合格证")
FOOD_BUSINESS = licence(
    "food_business_licence", "食品经营许可证", "Food business licence", "listing",
    "《中华人民共和国食品安全法》第三十五条；《网络餐饮服务食品安全监督管理办法》第四条：入网餐饮服务提供者应取得食品经营许可证",
    pattern=r"^JY\d{14}$")
PHYSICIAN = licence(
    "physician_practising_certificate", "医师执业证书", "Physician's practising certificate", "provider",
    "《中华人民共和国医师法》第十三条；《互联网诊疗管理办法（试行）》：医师须依法取得执业证书并在医疗机构注册",
    pattern=r"^\d{15}$")
MEDICAL_INSTITUTION = licence(
    "medical_institution_licence", "医疗机构执业许可证", "Medical institution practising licence", "listing",
    "《医疗机构管理条例》第十五条；《互联网诊疗管理办法（试行）》：互联网诊疗由取得执业许可的医疗机构提供")
INSTRUMENT_QUALIFICATION = licence(
    "instrument_user_qualification", "大型仪器上机资格", "Instrument user qualification", "customer",
    "《国务院关于国家重大科研基础设施和大型科研仪器向社会开放的意见》（国发〔2014〕70号）：开放共享须保障安全，"
    "使用人经培训考核取得上机资格")
TESTING_ACCREDITATION = licence(
    "cma_certificate", "检验检测机构资质认定证书（CMA）", "Inspection body accreditation (CMA)", "provider",
    "《检验检测机构资质认定管理办法》（市场监管总局令第39号）：向社会出具具有证明作用的数据、结果须取得资质认定")
SCHOOL_PERMIT = licence(
    "school_running_permit", "民办学校办学许可证", "School-running permit", "provider",
    "《中华人民共和国民办教育促进法》第十八条：审批机关对批准正式设立的民办学校发给办学许可证")
ELDERLY_FILING = licence(
    "elderly_care_filing", "养老机构备案回执", "Elderly care institution filing", "provider",
    "《中华人民共和国老年人权益保障法》第四十三条：设立养老机构应当向县级以上人民政府民政部门备案")
CHILDCARE_FILING = licence(
    "childcare_filing", "托育机构备案回执", "Childcare institution filing", "provider",
    "《托育机构设置标准（试行）》《托育机构管理规范（试行）》：托育机构应向卫生健康部门备案")
GUIDE_CARD = licence(
    "tour_guide_card", "导游证", "Tour guide card", "provider",
    "《导游人员管理条例》第四条：在中华人民共和国境内从事导游活动，必须取得导游证")
HIGH_RISK_SPORTS = licence(
    "high_risk_sports_licence", "高危险性体育项目经营许可证", "High-risk sports business licence", "listing",
    "《全民健身条例》第三十二条：经营高危险性体育项目须取得县级以上体育主管部门的许可")

# Ride-hailing: the vehicle and the driver each hold a permit of the city's taxi authority.
# 《网络预约出租汽车经营服务管理暂行办法》(交通运输部等七部门令2016年第60号, revised 2019 and 2022):
# 第十二条 the vehicle (7 seats or fewer, satellite positioning and alarm), 第十三条 its 运输证;
# 第十四条 the driver (3 years' driving, no records named there), 第十五条 the 驾驶员证; 第二十八条 no platform may
# connect vehicles or drivers without them.
RIDE_HAILING_RULES = "《网络预约出租汽车经营服务管理暂行办法》"
RIDE_HAILING_VEHICLE = licence(
    "ride_hailing_vehicle_permit", "网络预约出租汽车运输证", "Ride-hailing vehicle transport permit", "listing",
    RIDE_HAILING_RULES + "第十二条、第十三条：车辆经审核登记为预约出租客运，取得《网络预约出租汽车运输证》；"
    "第二十八条：不得向未取得合法资质的车辆提供信息对接")
RIDE_HAILING_DRIVER = licence(
    "ride_hailing_driver_permit", "网络预约出租汽车驾驶员证", "Ride-hailing driver's permit", "provider",
    RIDE_HAILING_RULES + "第十四条、第十五条：驾驶员符合条件并经考核合格，取得《网络预约出租汽车驾驶员证》；"
    "第二十八条：不得向未取得合法资质的驾驶员提供信息对接")
# Barbers' and beauty shops are public places: 《公共场所卫生管理条例》(国务院1987年发布, revised by 国务院令第666号
# and 第714号) 第二条(二) names 理发店、美容店, 第四条 the hygiene licence, 第七条 the staff's health certificate.
PUBLIC_PLACE_HYGIENE = licence(
    "public_place_hygiene_licence", "公共场所卫生许可证", "Public-place hygiene licence", "listing",
    "《公共场所卫生管理条例》第二条第（二）项、第四条：理发店、美容店等公共场所实行卫生许可证制度")
PUBLIC_PLACE_HEALTH = licence(
    "health_certificate", "健康合格证明", "Health certificate", "provider",
    "《公共场所卫生管理条例》第七条：公共场所直接为顾客服务的人员，持有健康合格证明方能从事本职工作")
# Food sold loose or prepared needs the food business licence; selling only edible farm produce or only
# prepackaged food needs none (prepackaged: a filing): 《中华人民共和国食品安全法》第三十五条 (2021 amendment).
# The catalogue splits community retail by that line: groceries sold loose ask the licence, everyday goods not.
RETAIL_FOOD_BUSINESS = licence(
    "food_business_licence", "食品经营许可证", "Food business licence", "listing",
    "《中华人民共和国食品安全法》第三十五条：从事食品销售应当依法取得许可（仅销售食用农产品或预包装食品的除外）",
    pattern=r"^JY\d{14}$")
# A letting business that sublets homes keeps the rent and deposits in a supervised account it publishes:
# 《住房租赁条例》(国务院令第812号, in force 2025-09-15) 第十九条. 第十条: a deposit's amount, return time and
# deductions are written in the contract (the rental leaves ask them as fields).
HOUSING_RENTAL_RULES = "《住房租赁条例》（国务院令第812号）"
RENT_ESCROW_ACCOUNT = licence(
    "rent_escrow_account", "住房租赁资金监管账户", "Supervised rent and deposit account", "provider",
    HOUSING_RENTAL_RULES + "第十九条：从事转租经营的住房租赁企业应当设立住房租赁资金监管账户并向社会公示")

# --- attribute fields shared by several leaves ---------------------------------------------

ADDRESS_AREA = field("area_m2", "面积", "Floor area", "decimal", unit="m²", min=1, max=100000)
MATERIALS = field("materials", "可加工材料", "Materials", "multichoice", required=True, choices=choices(
    ("aluminium", "铝合金", "aluminium"), ("steel", "碳钢", "carbon steel"), ("stainless", "不锈钢", "stainless steel"),
    ("titanium", "钛合金", "titanium"), ("copper", "铜", "copper"), ("plastic", "工程塑料", "engineering plastics")))
LEAD_TIME = field("lead_time_days", "交期", "Lead time", "int", unit="天", required=True, min=1, max=180)
LANGUAGES = field("languages", "服务语言", "Languages", "multichoice", choices=choices(
    ("zh", "普通话", "Mandarin"), ("minnan", "闽南语", "Hokkien"), ("en", "英语", "English"),
    ("ja", "日语", "Japanese")))
EXPERIENCE = field("experience_years", "从业年限", "Years of experience", "int", unit="年", required=True,
                   min=0, max=60)
CONDITION = field("condition", "成色", "Condition", "choice", required=True, choices=choices(
    ("new", "全新", "new"), ("like_new", "几乎全新", "like new"), ("good", "轻微使用痕迹", "good"),
    ("fair", "明显使用痕迹", "fair"), ("for_parts", "仅作配件", "for parts")))
DELIVERY = field("delivery", "交付方式", "Delivery", "choice", required=True, choices=choices(
    ("pickup", "自提", "pick-up"), ("courier", "快递", "courier"), ("same_city", "同城配送", "same-city delivery")))
GUESTS = field("max_guests", "可住人数", "Guests", "int", unit="人", required=True, min=1, max=30)
BEDROOMS = field("bedrooms", "卧室数", "Bedrooms", "int", unit="间", required=True, min=0, max=20)

# --- the tree -------------------------------------------------------------------------------


def leaf(code: str, name_zh: str, name_en: str, process: str, unit: str, fields: list[dict],
         licences: list[dict] | None = None, sector: str | None = None) -> dict:
    return {"code": code, "name_zh": name_zh, "name_en": name_en, "default_process": process, "default_unit": unit,
            "attribute_schema": fields, "licence_rules": licences or [], "sector": sector}


TREE: list[dict] = [
    {"code": "production", "sector": "production_capacity", "name_zh": "生产能力", "name_en": "Production capacity",
     "children": [
         leaf("cnc_machining", "数控加工", "CNC machining", "request_to_book", "hour", [
             field("machine_type", "设备类型", "Machine", "choice", required=True, choices=choices(
                 ("mill_3axis", "三轴加工中心", "3-axis machining centre"),
                 ("mill_5axis", "五轴加工中心", "5-axis machining centre"),
                 ("lathe", "数控车床", "CNC lathe"), ("edm", "电火花/线切割", "EDM / wire cutting"))),
             MATERIALS,
             field("max_part_mm", "最大加工尺寸", "Largest part", "int", unit="mm", required=True, min=1, max=5000),
             field("tolerance_mm", "加工精度", "Tolerance", "decimal", unit="mm", required=True, min=0.001, max=1),
             LEAD_TIME]),
         leaf("injection_moulding", "注塑成型", "Injection moulding", "request_to_book", "item", [
             field("clamping_force_t", "锁模力", "Clamping force", "int", unit="吨", required=True, min=10, max=4000),
             field("shot_weight_g", "最大射胶量", "Shot weight", "int", unit="g", min=1, max=50000),
             field("resins", "可用原料", "Resins", "multichoice", required=True, choices=choices(
                 ("pp", "PP", "PP"), ("abs", "ABS", "ABS"), ("pc", "PC", "PC"), ("pa", "尼龙 PA", "nylon PA"),
                 ("pom", "POM", "POM"), ("tpu", "TPU", "TPU"))),
             field("min_order_pieces", "起订量", "Minimum order", "int", unit="件", required=True,
                   min=1, max=10_000_000),
             field("mould_included", "含开模", "Mould making included", "bool"),
             LEAD_TIME]),
         leaf("printing_3d", "3D打印", "3D printing", "purchase_delivery", "item", [
             field("technology", "打印工艺", "Technology", "choice", required=True, choices=choices(
                 ("fdm", "FDM 熔融沉积", "FDM"), ("sla", "SLA 光固化", "SLA"), ("sls", "SLS 粉末烧结", "SLS"),
                 ("slm", "SLM 金属打印", "SLM metal"))),
             field("build_volume_mm", "最大成型尺寸", "Build volume", "text", unit="mm", required=True, max_length=40,
                   pattern=r"^\d{1,4}[x×*]\d{1,4}[x×*]\d{1,4}$"),
             field("layer_um", "层厚", "Layer height", "int", unit="μm", min=10, max=500),
             field("materials", "打印材料", "Materials", "multichoice", required=True, choices=choices(
                 ("pla", "PLA", "PLA"), ("resin", "光敏树脂", "resin"), ("nylon", "尼龙", "nylon"),
                 ("metal", "金属粉末", "metal powder"))),
             DELIVERY]),
         leaf("sheet_metal", "钣金加工", "Sheet metal fabrication", "request_to_book", "item", [
             field("max_thickness_mm", "最大板厚", "Max. thickness", "decimal", unit="mm", required=True,
                   min=0.1, max=50),
             field("processes", "工序", "Operations", "multichoice", required=True, choices=choices(
                 ("laser", "激光切割", "laser cutting"), ("bending", "折弯", "bending"), ("welding", "焊接", "welding"),
                 ("coating", "喷涂", "powder coating"))),
             LEAD_TIME]),
         leaf("equipment_rental", "设备租赁", "Equipment rental", "rental_deposit", "day", [
             field("equipment_type", "设备类型", "Equipment", "text", required=True, max_length=60),
             field("brand_model", "品牌型号", "Brand and model", "text", max_length=80),
             field("power_kw", "功率", "Power", "decimal", unit="kW", min=0, max=10000),
             field("operator_included", "含操作人员", "Operator included", "bool"),
             field("min_days", "最短租期", "Minimum rental", "int", unit="天", min=1, max=365)]),
     ]},
    {"code": "research", "sector": "lab_instruments", "name_zh": "科研仪器与检验检测",
     "name_en": "Lab instruments and testing", "children": [
         leaf("lab_instruments", "科研仪器", "Lab instruments", "instant_booking", "hour", [
             field("instrument_type", "仪器类别", "Instrument type", "choice", required=True, choices=choices(
                 ("sem", "扫描电镜", "SEM"), ("tem", "透射电镜", "TEM"), ("xrd", "X射线衍射仪", "XRD"),
                 ("nmr", "核磁共振波谱仪", "NMR"), ("ms", "质谱仪", "mass spectrometer"),
                 ("confocal", "激光共聚焦显微镜", "confocal microscope"), ("other", "其他", "other"))),
             field("model", "型号", "Model", "text", required=True, max_length=80),
             field("institution", "所属单位", "Institution", "text", required=True, max_length=80),
             field("assisted", "机时含技术员操作", "Operated by staff", "bool"),
             field("min_block_hours", "最短预约时长", "Minimum block", "decimal", unit="小时", min=0.5, max=24),
             field("sample_prep", "样品制备要求", "Sample preparation", "text", max_length=300)],
             [INSTRUMENT_QUALIFICATION]),
         leaf("testing_services", "检验检测", "Testing and inspection", "request_to_book", "item", [
             field("test_field", "检测领域", "Field", "choice", required=True, choices=choices(
                 ("materials", "材料检测", "materials"), ("food", "食品检测", "food"),
                 ("environment", "环境检测", "environment"), ("electrical", "电气安全", "electrical safety"),
                 ("emc", "电磁兼容", "EMC"))),
             field("standard", "检测标准", "Standard", "text", required=True, max_length=80,
                   pattern=r"^(GB|GB/T|ISO|IEC|ASTM|HJ|JJF|DB)[\s/A-Z]*[\d.\-–:]+.*$"),
             field("turnaround_days", "出具报告周期", "Turnaround", "int", unit="工作日", required=True, min=1, max=60),
             field("cma", "可出具CMA报告", "CMA report", "bool")],
             [TESTING_ACCREDITATION]),
     ]},
    {"code": "skills", "sector": "skills", "name_zh": "知识技能众包", "name_en": "Skills and crowdsourced tasks",
     "children": [
         leaf("skills_tasks", "技能任务", "Skills tasks", "task_bidding", "item", [
             field("skill", "技能方向", "Skill", "choice", required=True, choices=choices(
                 ("software", "软件开发", "software"), ("design", "设计", "design"), ("writing", "文案写作", "writing"),
                 ("translation", "翻译", "translation"), ("data", "数据标注", "data labelling"),
                 ("video", "视频剪辑", "video editing"))),
             field("delivery_days", "交付周期", "Delivery time", "int", unit="天", required=True, min=1, max=365),
             field("revisions", "修改次数", "Revisions", "int", unit="次", min=0, max=20),
             field("remote", "可远程", "Remote", "bool")]),
         leaf("translation", "翻译服务", "Translation", "task_bidding", "item", [
             field("language_pair", "语种", "Languages", "choice", required=True, choices=choices(
                 ("zh_en", "中英互译", "Chinese–English"), ("zh_ja", "中日互译", "Chinese–Japanese"),
                 ("zh_ko", "中韩互译", "Chinese–Korean"), ("zh_fr", "中法互译", "Chinese–French"))),
             field("words_per_day", "日翻译量", "Words per day", "int", unit="字", min=500, max=20000),
             field("certified", "可加盖翻译专用章", "Certified translation", "bool")]),
     ]},
    {"code": "talent", "sector": "talent", "name_zh": "人才共享", "name_en": "Talent sharing", "children": [
        leaf("part_time_experts", "兼职专家", "Part-time experts", "request_to_book", "hour", [
            field("expertise", "专业领域", "Expertise", "text", required=True, max_length=80),
            field("title", "职称", "Professional title", "choice", choices=choices(
                ("junior", "初级", "junior"), ("intermediate", "中级", "intermediate"),
                ("senior", "副高级", "associate senior"), ("full_senior", "正高级", "senior"))),
            EXPERIENCE, LANGUAGES,
            field("on_site", "可上门", "On site", "bool")]),
        leaf("shared_employees", "共享用工", "Shared employees", "request_to_book", "day", [
            field("job", "岗位", "Job", "text", required=True, max_length=60),
            field("headcount", "可派人数", "Headcount", "int", unit="人", required=True, min=1, max=500),
            field("min_days", "最短用工天数", "Minimum days", "int", unit="天", min=1, max=365)]),
    ]},
    {"code": "education", "sector": "education", "name_zh": "教育", "name_en": "Education", "children": [
        leaf("interest_courses", "兴趣课程", "Interest courses", "instant_booking", "item", [
            field("subject", "课程类别", "Subject", "choice", required=True, choices=choices(
                ("arts", "艺术", "arts"), ("music", "音乐", "music"), ("sports", "体育", "sports"),
                ("stem", "科技", "science and technology"), ("language", "语言", "languages"))),
            field("age_min", "适合最小年龄", "Minimum age", "int", unit="岁", min=3, max=99),
            field("lesson_minutes", "单节时长", "Lesson length", "int", unit="分钟", required=True, min=15, max=480),
            field("class_size", "班级人数", "Class size", "int", unit="人", required=True, min=1, max=100),
            field("mode", "授课方式", "Mode", "choice", required=True, choices=choices(
                ("offline", "线下", "in person"), ("online", "线上", "online")))]),
        leaf("vocational_training", "职业技能培训", "Vocational training", "request_to_book", "item", [
            field("occupation", "培训工种", "Occupation", "text", required=True, max_length=60),
            field("hours", "课时", "Hours", "int", unit="课时", required=True, min=1, max=2000),
            field("certificate", "可获证书", "Certificate", "text", max_length=80)],
            [SCHOOL_PERMIT]),
    ]},
    {"code": "medical", "sector": "medical_consultation", "name_zh": "医疗咨询", "name_en": "Medical consultation",
     "children": [
         leaf("online_consultation", "在线问诊", "Online consultation", "request_to_book", "item", [
             field("department", "科室", "Department", "choice", required=True, choices=choices(
                 ("internal", "内科", "internal medicine"), ("paediatrics", "儿科", "paediatrics"),
                 ("dermatology", "皮肤科", "dermatology"), ("gynaecology", "妇科", "gynaecology"),
                 ("tcm", "中医科", "traditional Chinese medicine"), ("psychology", "心理咨询", "psychology"))),
             field("hospital", "执业医疗机构", "Hospital", "text", required=True, max_length=80),
             field("follow_up_only", "仅限复诊", "Follow-up visits only", "bool", required=True),
             field("mode", "问诊方式", "Mode", "choice", required=True, choices=choices(
                 ("text", "图文", "text"), ("phone", "电话", "phone"), ("video", "视频", "video"))),
             field("response_minutes", "响应时间", "Response time", "int", unit="分钟", min=1, max=1440)],
             [PHYSICIAN, MEDICAL_INSTITUTION]),
     ]},
    {"code": "parking", "sector": "parking", "name_zh": "停车", "name_en": "Parking", "children": [
        leaf("offpeak_parking", "错峰停车", "Off-peak parking", "instant_booking", "hour", [
            field("vehicle_size", "车型", "Vehicle size", "choice", required=True, choices=choices(
                ("small", "小型车", "small car"), ("medium", "中型车", "medium car"),
                ("large", "大型车", "large vehicle"))),
            field("covered", "室内/有遮挡", "Covered", "bool"),
            field("ev_charging", "充电桩", "EV charging", "bool"),
            field("height_limit_m", "限高", "Height limit", "decimal", unit="m", min=1.5, max=6)]),
    ]},
    {"code": "lodging", "sector": "homestay", "name_zh": "民宿/短租", "name_en": "Homestays and short rentals",
     "children": [
         leaf("homestay", "民宿", "Homestays", "request_to_book", "night", [
             GUESTS, BEDROOMS, ADDRESS_AREA,
             field("room_type", "房型", "Room type", "choice", required=True, choices=choices(
                 ("entire", "整套", "entire home"), ("private_room", "独立房间", "private room"),
                 ("shared_room", "合住房间", "shared room"))),
             field("amenities", "设施", "Amenities", "multichoice", choices=choices(
                 ("wifi", "无线网络", "Wi-Fi"), ("aircon", "空调", "air conditioning"), ("kitchen", "厨房", "kitchen"),
                 ("washer", "洗衣机", "washing machine"), ("parking", "停车位", "parking"),
                 ("sea_view", "海景", "sea view"))),
             field("check_in_after", "最早入住时间", "Check-in from", "text", max_length=5,
                   pattern=r"^([01]\d|2[0-3]):[0-5]\d$")],
             [SPECIAL_INDUSTRY]),
         leaf("short_rental", "短租公寓", "Short-term apartments", "instant_booking", "night", [
             GUESTS, BEDROOMS, ADDRESS_AREA,
             field("min_nights", "最少入住晚数", "Minimum nights", "int", unit="晚", min=1, max=90)],
             [SPECIAL_INDUSTRY]),
     ]},
    {"code": "housekeeping", "sector": "housekeeping", "name_zh": "家政", "name_en": "Housekeeping", "children": [
        leaf("house_cleaning", "日常保洁", "House cleaning", "instant_booking", "hour", [
            field("service_type", "服务类型", "Service", "choice", required=True, choices=choices(
                ("routine", "日常保洁", "routine cleaning"), ("deep", "深度保洁", "deep cleaning"),
                ("move_out", "开荒保洁", "move-out cleaning"), ("appliance", "家电清洗", "appliance cleaning"))),
            field("min_hours", "起约时长", "Minimum hours", "int", unit="小时", required=True, min=1, max=12),
            field("brings_tools", "自带工具", "Brings equipment", "bool")],
            [HEALTH_CERTIFICATE]),
        leaf("nanny", "保姆/育儿嫂", "Nannies and domestic helpers", "request_to_book", "day", [
            field("service_type", "服务类型", "Service", "choice", required=True, choices=choices(
                ("live_in", "住家", "live-in"), ("day", "白班", "day shift"),
                ("maternity", "月嫂", "maternity nurse"))),
            EXPERIENCE,
            field("age", "年龄", "Age", "int", unit="岁", min=18, max=65),
            field("certificates", "职业证书", "Certificates", "multichoice", choices=choices(
                ("housekeeping", "家政服务员证", "housekeeper"), ("maternity", "母婴护理证", "maternity care"),
                ("childcare", "育婴员证", "infant care"), ("cook", "中式烹调师证", "cook")))],
            [HEALTH_CERTIFICATE]),
    ]},
    {"code": "elderly_care", "sector": "elderly_care", "name_zh": "养老", "name_en": "Elderly care", "children": [
        leaf("elderly_home_care", "居家养老服务", "Home care for the elderly", "request_to_book", "hour", [
            field("care_level", "护理等级", "Care level", "choice", required=True, choices=choices(
                ("self_care", "自理", "independent"), ("partial", "半失能", "partly dependent"),
                ("full", "失能", "dependent"), ("dementia", "认知障碍", "dementia"))),
            field("services", "服务内容", "Services", "multichoice", required=True, choices=choices(
                ("meals", "助餐", "meals"), ("bathing", "助浴", "bathing"), ("cleaning", "助洁", "cleaning"),
                ("medical", "助医", "medical escort"), ("companionship", "陪伴", "companionship"))),
            EXPERIENCE,
            field("nursing_certificate", "养老护理员证书", "Care worker certificate", "bool")],
            [HEALTH_CERTIFICATE]),
        leaf("elderly_day_care", "日间照料", "Elderly day care", "instant_booking", "day", [
            field("beds", "床位数", "Beds", "int", unit="张", required=True, min=1, max=500),
            field("care_level", "可接收护理等级", "Care level accepted", "choice", required=True, choices=choices(
                ("self_care", "自理", "independent"), ("partial", "半失能", "partly dependent"),
                ("full", "失能", "dependent"))),
            field("meals_included", "含餐", "Meals included", "bool")],
            [HEALTH_CERTIFICATE, ELDERLY_FILING]),
    ]},
    {"code": "child_care", "sector": "child_care", "name_zh": "育幼", "name_en": "Child care", "children": [
        leaf("childcare_centre", "托育服务", "Childcare centres", "request_to_book", "day", [
            field("age_months_min", "最小月龄", "Youngest", "int", unit="月", required=True, min=6, max=36),
            field("age_months_max", "最大月龄", "Oldest", "int", unit="月", required=True, min=6, max=72),
            field("places", "托位数", "Places", "int", unit="个", required=True, min=1, max=300),
            field("care_type", "托育类型", "Type", "choice", required=True, choices=choices(
                ("full_day", "全日托", "full day"), ("half_day", "半日托", "half day"),
                ("hourly", "计时托", "hourly")))],
            [CHILDCARE_HEALTH, CHILDCARE_FILING]),
        leaf("babysitting", "临时看护", "Babysitting", "request_to_book", "hour", [
            field("age_years_max", "可看护最大年龄", "Children up to", "int", unit="岁", required=True, min=1, max=14),
            EXPERIENCE,
            field("first_aid", "急救培训", "First-aid trained", "bool")],
            [CHILDCARE_HEALTH]),
    ]},
    {"code": "catering", "sector": "catering", "name_zh": "餐饮", "name_en": "Catering and delivery", "children": [
        leaf("meal_delivery", "餐食外送", "Meal delivery", "purchase_delivery", "item", [
            field("cuisine", "菜系", "Cuisine", "choice", required=True, choices=choices(
                ("minnan", "闽南菜", "Minnan"), ("cantonese", "粤菜", "Cantonese"), ("sichuan", "川菜", "Sichuan"),
                ("vegetarian", "素食", "vegetarian"), ("snacks", "小吃", "snacks"), ("bakery", "烘焙", "bakery"))),
            field("delivery_km", "配送范围", "Delivery radius", "decimal", unit="km", required=True, min=0.5, max=20),
            field("portions", "份量", "Serves", "int", unit="人", min=1, max=50),
            field("allergens", "过敏原", "Allergens", "multichoice", choices=choices(
                ("peanut", "花生", "peanuts"), ("seafood", "海鲜", "seafood"), ("gluten", "麸质", "gluten"),
                ("dairy", "乳制品", "dairy"), ("egg", "蛋类", "eggs")))],
            [FOOD_BUSINESS, FOOD_HANDLER_HEALTH]),
        leaf("shared_kitchen", "共享厨房", "Shared kitchens", "instant_booking", "hour", [
            ADDRESS_AREA,
            field("stations", "操作台数", "Work stations", "int", unit="个", required=True, min=1, max=50),
            field("equipment", "设备", "Equipment", "multichoice", choices=choices(
                ("oven", "烤箱", "oven"), ("wok", "炒灶", "wok burner"), ("steamer", "蒸柜", "steamer"),
                ("cold_room", "冷库", "cold room")))],
            [FOOD_BUSINESS, FOOD_HANDLER_HEALTH]),
    ]},
    {"code": "idle_goods", "sector": "second_hand", "name_zh": "闲置交易", "name_en": "Second-hand goods", "children": [
        leaf("second_hand", "二手闲置", "Second-hand goods", "purchase_delivery", "item", [
            CONDITION, DELIVERY,
            field("brand", "品牌", "Brand", "text", max_length=40),
            field("original_price_yuan", "原购价", "Price when new", "int", unit="元", min=0, max=10_000_000)]),
        leaf("second_hand_electronics", "二手数码", "Second-hand electronics", "purchase_delivery", "item", [
            CONDITION, DELIVERY,
            field("device", "设备类型", "Device", "choice", required=True, choices=choices(
                ("phone", "手机", "phone"), ("laptop", "笔记本电脑", "laptop"), ("tablet", "平板", "tablet"),
                ("camera", "相机", "camera"))),
            field("brand", "品牌", "Brand", "text", required=True, max_length=40),
            field("storage_gb", "存储容量", "Storage", "int", unit="GB", min=1, max=16384),
            field("data_wiped", "已清除个人数据", "Personal data wiped", "bool", required=True)]),
    ]},
    {"code": "culture_sports", "sector": "culture_sports", "name_zh": "文旅体育",
     "name_en": "Culture, tourism and sports venues", "children": [
         leaf("sports_venues", "运动场馆", "Sports venues", "instant_booking", "hour", [
             field("sport", "运动项目", "Sport", "choice", required=True, choices=choices(
                 ("badminton", "羽毛球", "badminton"), ("basketball", "篮球", "basketball"),
                 ("football", "足球", "football"), ("tennis", "网球", "tennis"),
                 ("table_tennis", "乒乓球", "table tennis"))),
             field("courts", "场地数", "Courts", "int", unit="片", required=True, min=1, max=100),
             field("indoor", "室内", "Indoor", "bool"),
             field("lighting", "夜间照明", "Floodlights", "bool")]),
         leaf("high_risk_sports", "高危体育项目", "High-risk sports", "request_to_book", "hour", [
             field("sport", "项目", "Sport", "choice", required=True, choices=choices(
                 ("swimming", "游泳", "swimming"), ("diving", "潜水", "diving"), ("climbing", "攀岩", "climbing"),
                 ("skiing", "滑雪", "skiing"))),
             field("lifeguards", "救生员/教练人数", "Lifeguards or instructors", "int", unit="人", required=True,
                   min=1, max=100)],
             [HIGH_RISK_SPORTS]),
         leaf("culture_venues", "文化活动空间", "Culture and event venues", "instant_booking", "hour", [
             ADDRESS_AREA,
             field("seats", "座位数", "Seats", "int", unit="座", required=True, min=1, max=5000),
             field("venue_type", "场地类型", "Venue", "choice", required=True, choices=choices(
                 ("meeting", "会议室", "meeting room"), ("theatre", "小剧场", "small theatre"),
                 ("gallery", "展厅", "gallery"), ("studio", "摄影棚", "studio"))),
             field("av_equipment", "音视频设备", "AV equipment", "bool")]),
         leaf("tour_guides", "导游与研学", "Tour guides and study tours", "request_to_book", "day", [
             LANGUAGES,
             field("group_size_max", "最大团队人数", "Largest group", "int", unit="人", required=True, min=1, max=60),
             field("routes", "线路", "Routes", "text", required=True, max_length=200)],
             [GUIDE_CARD]),
     ]},
    # --- the life services on Tianjin's list (天津市人民政府办公厅关于推动生活性服务领域平台经济健康发展的实施意见,
    # 二(二): 商超, 住房租赁, 智慧出行; 三(一): 一刻钟便民生活圈) and Xiamen's (厦府办〔2019〕13号: 交通出行, 美容),
    # each a sector of its own on the exchange ------------------------------------------------------------------
    {"code": "ride_hailing", "sector": "ride_hailing", "name_zh": "网约车", "name_en": "Ride-hailing",
     "children": [
         leaf("ride_hailing_trip", "网约车预约出行", "Pre-booked rides", "request_to_book", "hour", [
             field("vehicle_class", "车型档次", "Vehicle class", "choice", required=True, choices=choices(
                 ("economy", "经济型", "economy"), ("comfort", "舒适型", "comfort"),
                 ("business", "商务型", "business"), ("mpv", "七座商务车", "seven-seat MPV"))),
             # 第十二条(一): 7座及以下乘用车.
             field("seats", "座位数", "Seats", "int", unit="座", required=True, min=2, max=7),
             field("plate_number", "车牌号", "Number plate", "text", required=True, max_length=10,
                   pattern=r"^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$"),
             # 第十四条(一): 3年以上驾驶经历.
             field("driving_years", "驾龄", "Years of driving", "int", unit="年", required=True, min=3, max=50),
             field("new_energy", "新能源车", "Electric or hybrid", "bool")],
             [RIDE_HAILING_VEHICLE, RIDE_HAILING_DRIVER]),
     ]},
    # A fleet vertical: a listing is the platform's fleet in one zone; how many bikes it may put there is the
    # city's quota (hub.quota, quota.assigned directives), not the listing's.
    {"code": "bike_sharing", "sector": "bike_sharing", "name_zh": "共享单车", "name_en": "Shared bikes",
     "children": [
         leaf("bike_fleet_zone", "单车投放区域", "Bike fleet zones", "instant_booking", "hour", [
             field("zone", "投放区域", "Zone", "text", required=True, max_length=60),
             field("vehicle_type", "车辆类型", "Vehicle", "choice", required=True, choices=choices(
                 ("bike", "自行车", "bicycle"), ("e_bike", "电动自行车", "electric bicycle"))),
             field("fleet_size", "投放车辆数", "Bikes in the zone", "int", unit="辆", required=True, min=1,
                   max=100000),
             field("parking_fence", "电子围栏停放", "Geofenced parking", "bool", required=True),
             field("deposit_free", "免押金", "No deposit", "bool")]),
     ]},
    {"code": "beauty", "sector": "beauty", "name_zh": "美容美发", "name_en": "Beauty and hairdressing",
     "children": [
         leaf("hair_salon", "美发", "Hairdressing", "instant_booking", "hour", [
             field("services", "服务项目", "Services", "multichoice", required=True, choices=choices(
                 ("cut", "剪发", "haircut"), ("colour", "染发", "colouring"), ("perm", "烫发", "perm"),
                 ("care", "护理", "hair care"), ("shave", "修面", "shave"))),
             field("stylists", "发型师人数", "Stylists", "int", unit="人", required=True, min=1, max=100),
             field("home_visit", "可上门", "Home visits", "bool")],
             [PUBLIC_PLACE_HYGIENE, PUBLIC_PLACE_HEALTH]),
         leaf("beauty_salon", "生活美容", "Beauty care", "instant_booking", "hour", [
             field("services", "服务项目", "Services", "multichoice", required=True, choices=choices(
                 ("facial", "面部护理", "facial"), ("body", "身体护理", "body care"), ("nails", "美甲", "nails"),
                 ("lashes", "美睫", "eyelashes"), ("makeup", "化妆", "make-up"))),
             # Medical cosmetology (injections, surgery, lasers) is a medical institution's, not a salon's.
             field("non_medical", "不含医疗美容项目", "No medical cosmetic procedures", "bool", required=True),
             field("beds", "美容床位", "Treatment beds", "int", unit="张", required=True, min=1, max=100)],
             [PUBLIC_PLACE_HYGIENE, PUBLIC_PLACE_HEALTH]),
     ]},
    {"code": "laundry", "sector": "laundry", "name_zh": "洗染", "name_en": "Laundry and dry cleaning",
     "children": [
         leaf("laundry_service", "洗衣洗染", "Laundry and dry cleaning", "purchase_delivery", "item", [
             field("services", "服务项目", "Services", "multichoice", required=True, choices=choices(
                 ("wash", "水洗", "washing"), ("dry_clean", "干洗", "dry cleaning"), ("dye", "染色", "dyeing"),
                 ("iron", "熨烫", "ironing"), ("shoes", "洗鞋", "shoe cleaning"),
                 ("leather", "皮具护理", "leather care"))),
             field("turnaround_days", "取件周期", "Turnaround", "int", unit="天", required=True, min=1, max=30),
             field("pickup", "上门取送", "Pick-up and delivery", "bool")]),
     ]},
    {"code": "repair", "sector": "repair", "name_zh": "维修", "name_en": "Repairs", "children": [
        leaf("appliance_repair", "家电维修", "Appliance repair", "request_to_book", "item", [
            field("appliances", "维修品类", "Appliances", "multichoice", required=True, choices=choices(
                ("aircon", "空调", "air conditioners"), ("washer", "洗衣机", "washing machines"),
                ("fridge", "冰箱", "refrigerators"), ("water_heater", "热水器", "water heaters"),
                ("tv", "电视", "televisions"), ("kitchen", "厨房电器", "kitchen appliances"))),
            field("call_out_fee_yuan", "上门检测费", "Call-out fee", "int", unit="元", required=True, min=0, max=500),
            field("warranty_days", "维修保修期", "Repair warranty", "int", unit="天", required=True, min=0, max=365),
            EXPERIENCE]),
        leaf("home_repair", "居家维修", "Home repairs", "request_to_book", "item", [
            field("trades", "维修工种", "Trades", "multichoice", required=True, choices=choices(
                ("plumbing", "水管疏通", "plumbing"), ("electrical", "电路维修", "electrical"),
                ("locks", "开锁换锁", "locks"), ("furniture", "家具维修", "furniture"),
                ("waterproof", "防水补漏", "waterproofing"))),
            field("warranty_days", "维修保修期", "Repair warranty", "int", unit="天", required=True, min=0, max=365),
            EXPERIENCE]),
    ]},
    {"code": "community_retail", "sector": "community_retail", "name_zh": "社区零售", "name_en": "Community retail",
     "children": [
         leaf("community_grocery", "社区生鲜食品", "Community groceries", "purchase_delivery", "item", [
             field("goods", "经营品类", "Goods", "multichoice", required=True, choices=choices(
                 ("produce", "果蔬", "fruit and vegetables"), ("meat", "肉禽蛋", "meat and eggs"),
                 ("bulk", "散装食品", "food sold loose"), ("cooked", "熟食", "cooked food"),
                 ("prepackaged", "预包装食品", "prepackaged food"))),
             DELIVERY,
             field("delivery_minutes", "送达时间", "Delivered within", "int", unit="分钟", min=10, max=240)],
             [RETAIL_FOOD_BUSINESS]),
         leaf("community_goods", "社区日用百货", "Household goods", "purchase_delivery", "item", [
             field("goods", "经营品类", "Goods", "multichoice", required=True, choices=choices(
                 ("household", "日用品", "household goods"), ("stationery", "文具", "stationery"),
                 ("hardware", "五金", "hardware"), ("personal_care", "个人护理", "personal care"))),
             DELIVERY]),
     ]},
    {"code": "long_term_rental", "sector": "long_term_rental", "name_zh": "长租房", "name_en": "Long-term rental homes",
     "children": [
         leaf("rental_home", "个人房源长租", "Homes let by their owners", "rental_deposit", "month", [
             BEDROOMS, ADDRESS_AREA,
             field("rental_mode", "出租方式", "Let as", "choice", required=True, choices=choices(
                 ("entire", "整租", "whole home"), ("room", "合租单间", "room in a shared home"))),
             field("lease_months_min", "最短租期", "Shortest lease", "int", unit="月", required=True, min=1, max=60),
             # 住房租赁条例 第十条: the contract states the deposit's amount, when it is returned and what it may
             # be reduced for; the listing says them before anyone signs.
             field("deposit_months", "押金月数", "Deposit (months of rent)", "int", unit="月", required=True,
                   min=0, max=3),
             field("deposit_deductions", "押金扣减情形", "What the deposit may be reduced for", "text",
                   required=True, max_length=200)]),
         leaf("rental_apartment", "长租公寓", "Serviced rental apartments", "rental_deposit", "month", [
             BEDROOMS, ADDRESS_AREA,
             field("lease_months_min", "最短租期", "Shortest lease", "int", unit="月", required=True, min=1, max=60),
             field("deposit_months", "押金月数", "Deposit (months of rent)", "int", unit="月", required=True,
                   min=0, max=3),
             field("deposit_deductions", "押金扣减情形", "What the deposit may be reduced for", "text",
                   required=True, max_length=200),
             field("rent_loan_free", "不捆绑租金贷", "No rent loan tied to the lease", "bool", required=True)],
             [RENT_ESCROW_ACCOUNT]),
     ]},
]

# The verticals issue 3 names, by the top-level code that covers each (tested).
VERTICALS = {
    "生产能力": "production", "科研仪器": "research", "检验检测": "research", "知识技能众包": "skills",
    "人才共享": "talent", "教育": "education", "医疗咨询": "medical", "停车": "parking", "民宿/短租": "lodging",
    "家政": "housekeeping", "养老": "elderly_care", "育幼": "child_care", "餐饮": "catering",
    "闲置交易": "idle_goods", "文旅体育": "culture_sports",
    # Tianjin's life-services platforms (出行, 商超, 住房租赁) and Xiamen's 交通出行 and 美容, and the
    # everyday services of a 15-minute neighbourhood (洗染, 维修).
    "网约车": "ride_hailing", "共享单车": "bike_sharing", "美容美发": "beauty", "洗染": "laundry", "维修": "repair",
    "社区零售": "community_retail", "长租房": "long_term_rental",
}
