"""The automated screening of listing text: pure, over plain data."""

from __future__ import annotations

import pytest

from sharecity.market.moderation.screening import APPROVE, REJECT, REVIEW, screen, summarise

LICENCE = {"code": "special_industry_licence", "label_zh": "特种行业许可证", "label_en": "Special-industry licence",
           "holder": "listing", "pattern": r"^[\u4e00-\u9fa5]*\d{6,12}号?$",
           "legal_reference": "《旅馆业治安管理办法》第四条"}


def rules_of(text, **kwargs):
    result = screen(text=text, licence_rules=kwargs.pop("licence_rules", []), licences=kwargs.pop("licences", {}),
                    **kwargs)
    return result.verdict, [(f.rule, f.matched) for f in result.findings]


@pytest.mark.parametrize(("text", "verdict", "rule", "matched"), [
    # a) absolute terms, clear violations
    ("国家级非遗传承人的手作民宿", REJECT, "absolute_term", "国家级"),
    ("厦门最佳海景民宿", REVIEW, "absolute_term.qualified", "最佳"),
    ("本平台最佳海景民宿，全网最低价", REJECT, "absolute_term", "全网最低"),
    ("顶级海景套房", REJECT, "absolute_term", "顶级"),
    ("史上最强检测设备", REJECT, "absolute_term", "史上最"),
    ("全国销量第一的家政团队", REJECT, "absolute_term", "销量第一"),
    ("100%好评，绝对放心", REJECT, "absolute_term", "100%"),
    ("唯一的私人海滩", REJECT, "absolute_term", "唯一"),
    ("万能维修师傅上门", REJECT, "absolute_term", "万能"),
    ("王牌保洁套餐", REJECT, "absolute_term", "王牌"),
    ("行业领袖品牌", REJECT, "absolute_term", "领袖品牌"),
    ("首选的亲子酒店", REJECT, "absolute_term", "首选"),
    # a) the exceptions of SAMR's 2023 guide
    ("2023年厦门市销量第一的民宿", REVIEW, "absolute_term.qualified", "销量第一"),
    ("我店最受欢迎的房型：海景大床房", REVIEW, "absolute_term.internal_ranking", "最受欢迎"),
    ("本店最畅销的是深度保洁", REVIEW, "absolute_term.internal_ranking", "最畅销"),
    # b) prohibited items
    ("出售仿真枪和弹药", REJECT, "prohibited_item", "仿真枪"),
    ("专业代开发票", REJECT, "prohibited_item", "代开发票"),
    ("象牙雕刻摆件转让", REJECT, "prohibited_item", "象牙"),
    ("闲置处方药低价转", REJECT, "prohibited_item", "处方药"),
    # d) contact details and off-platform trade
    ("看房请致电 138 1234 5678", REVIEW, "contact.mobile", "138 1234 5678"),
    ("电话138-1234-5678", REVIEW, "contact.mobile", "138-1234-5678"),
    ("前台0592-5123456", REVIEW, "contact.landline", "0592-5123456"),
    ("详情加V信：xmhome2023", REVIEW, "contact.wechat", "加V信：xmhome2023"),
    ("VX: hello_88 咨询", REVIEW, "contact.wechat", "VX: hello_88"),
    ("QQ号 12345678", REVIEW, "contact.qq", "QQ号 12345678"),
    ("资料发 host@example.com", REVIEW, "contact.email", "host@example.com"),
    ("闲鱼搜同款更便宜", REVIEW, "contact.link", "闲鱼搜"),
    ("看图 https://item.taobao.com/item.htm?id=1", REVIEW, "contact.link", "https://item.taobao.com/item.htm?id=1"),
    ("加微信付款可优惠", REJECT, "off_platform_trade", "加微信付款"),
    ("可以私下交易，线下转账", REJECT, "off_platform_trade", "私下交易"),
])
def test_finding(text, verdict, rule, matched):
    found_verdict, findings = rules_of(text)
    assert found_verdict == verdict
    assert (rule, matched) in findings


@pytest.mark.parametrize("text", [
    "温馨两居室，近地铁，可做饭",
    "第一次入住送早餐",                  # an ordinal, not a ranking
    "本店第一家分店在湖里区开业",          # the guide's ordinal fact
    "第一百零八号房",                    # jieba: 第 / 一百零八 / 号 — no 第一 here
    "最大加工尺寸500mm，最高温度1200度",  # technical limits, not advertising claims
    "最好提前一天预约",                  # advice, not a claim
    "严禁携带管制刀具和易燃物品",          # a house rule mentioning a prohibited item
    "绝对值编码器一台",                  # 绝对 inside a technical word
    "价格 380 元/晚，押金 500 元，订单号 20231201",
    "支持微信支付",                      # payment through the platform's own channel is not a contact
])
def test_clean_text_is_approved(text):
    assert rules_of(text) == (APPROVE, [])


def test_a_term_inside_a_registered_trademark_or_company_name_is_not_a_claim():
    assert rules_of("鹭岛最佳民宿管理有限公司出品", trademarks=["鹭岛最佳民宿管理有限公司"]) == (APPROVE, [])
    # the same words without the trademark are a claim limited to a place at most
    assert rules_of("鹭岛最佳民宿管理有限公司出品")[0] != APPROVE


def test_a_prescription_drug_with_the_licence_that_allows_it_passes():
    assert rules_of("处方药送药上门", licences={"drug_trade_licence": "闽AA5920001"}) == (APPROVE, [])


def test_finding_positions_point_at_the_matched_text_as_written():
    text = "海景房，ＶＸ：ｈｅｌｌｏ＿８８，国家级"
    result = screen(text=text, licence_rules=[], licences={})
    for finding in result.findings:
        assert text[finding.start:finding.end] == finding.matched
    assert {f.rule for f in result.findings} == {"contact.wechat", "absolute_term"}


def test_attribute_values_are_screened_too():
    result = screen(text="海景房", licence_rules=[], licences={}, attributes={"note": "顶级装修", "guests": 2})
    assert result.verdict == REJECT
    finding = result.findings[0]
    assert result.text[finding.start:finding.end] == "顶级"


def test_missing_licence_is_rejected_with_the_rules_legal_reference():
    result = screen(text="海景房", licence_rules=[LICENCE], licences={})
    assert result.verdict == REJECT
    (finding,) = result.findings
    assert finding.rule == "licence.missing"
    assert finding.field == "licences.special_industry_licence"
    assert finding.legal_reference == "《旅馆业治安管理办法》第四条"


def test_licence_in_an_unknown_format_goes_to_review():
    result = screen(text="海景房", licence_rules=[LICENCE], licences={"special_industry_licence": "abc"})
    assert result.verdict == REVIEW
    assert [f.rule for f in result.findings] == ["licence.unrecognised"]


def test_licence_in_the_known_format_passes():
    result = screen(text="海景房", licence_rules=[LICENCE],
                    licences={"special_industry_licence": "厦公特旅字第350203001号"})
    assert result.verdict == APPROVE


def test_a_customers_qualification_is_not_asked_of_the_listing():
    rule = {**LICENCE, "holder": "customer"}
    assert screen(text="电镜", licence_rules=[rule], licences={}).verdict == APPROVE


def test_a_provider_licence_is_checked_on_the_listing():
    rule = {**LICENCE, "code": "health_certificate", "holder": "provider", "pattern": ""}
    assert screen(text="保洁", licence_rules=[rule], licences={}).verdict == REJECT
    assert screen(text="保洁", licence_rules=[rule], licences={"health_certificate": "2023-001"}).verdict == APPROVE


def test_review_findings_do_not_hide_a_reason_to_reject():
    verdict, findings = rules_of("顶级民宿，电话13812345678")
    assert verdict == REJECT
    assert {rule for rule, _ in findings} == {"absolute_term", "contact.mobile"}


def test_summary_names_ground_reference_and_facts():
    result = screen(text="顶级民宿，加微信付款", licence_rules=[LICENCE], licences={})
    ground, reference, facts = summarise(result.findings)
    assert ground == "illegal_content"
    assert "《中华人民共和国广告法》第九条" in reference and "《旅馆业治安管理办法》第四条" in reference
    assert "顶级" in facts and "加微信付款" in facts
