"""Automated screening of a listing's text: pure Python over plain data, no ORM.

``screen`` looks for four kinds of trouble and returns a verdict with its findings:

a) absolute terms banned in advertising by 《广告法》第九条第（三）项 (国家级, 最高级, 最佳 and
   the usual platform list), honouring the exceptions of SAMR's 2023 《广告绝对化用语执法指南》:
   a term inside a registered trademark or company name is not a claim; an ordinal fact
   (第一次, 本店第一家分店) is not a claim; a claim limited in time or place
   (2023年厦门市销量第一) or about the provider's own internal ranking (我店最受欢迎) may
   be lawful if true, so it goes to a human rather than being rejected;
b) prohibited items (《电子商务法》第十三条): rejected, unless a prohibition mentions them
   (严禁携带管制刀具) or the licence that allows the trade is given (处方药);
c) licences a category's rules ask of the listing or its provider: missing → rejected,
   present but not in the known format → review;
d) contact details that take the trade off the platform (phones, WeChat, QQ, e-mail,
   links): review; an explicit call to trade off the platform (私下交易, 加微信付款) is rejected.

The terms are found with one Aho-Corasick automaton (pyahocorasick) over the text, and a
match counts only where jieba's segmentation agrees that it is a word: "第一" is not
found in "第一百零八号", whose words are 第 / 一百零八 / 号. A term jieba splits into several
words (全网最低, 史上最) is matched on the raw text.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import ahocorasick
import jieba
from django.utils.translation import gettext as _

jieba.setLogLevel(logging.WARNING)

APPROVE, REJECT, REVIEW = "approve", "reject", "review"
ILLEGAL_CONTENT, TERMS_VIOLATION = "illegal_content", "terms_violation"

AD_LAW_ART9 = "《中华人民共和国广告法》第九条第（三）项"
AD_GUIDE_2023 = "《广告绝对化用语执法指南》（市场监管总局2023年）"
ECOMMERCE_ART13 = "《中华人民共和国电子商务法》第十三条"
OFF_PLATFORM_RULE = "《中华人民共和国电子商务法》第三十二条；平台服务协议和交易规则（禁止站外交易）"

# --- a) absolute terms ----------------------------------------------------------------------

ABSOLUTE_TERMS = (
    "国家级", "世界级", "最高级", "最佳", "最好", "最优", "最强", "最大", "最高", "最低", "最低价", "最便宜",
    "最先进", "最受欢迎", "最畅销", "最热销", "最时尚", "最权威", "最专业", "第一", "全国第一", "第一品牌",
    "销量第一", "排名第一", "no.1", "top1", "顶级", "极品", "极致", "首选", "唯一", "独一无二", "100%",
    "百分之百", "绝对", "史上最", "全网最低", "全网最", "万能", "王牌", "领袖品牌", "领导品牌", "世界领先",
    "全球领先", "国际领先", "遥遥领先", "首个", "首家", "独家", "填补国内空白", "巅峰", "至尊", "终极",
    "无敌", "100%有效", "零风险",
)
# Terms of the list that are about what comes first or best "in the market" and so may be an
# internal ranking or a limited fact rather than an absolute claim.
_RANKING_TERMS = {
    "第一", "销量第一", "排名第一", "最受欢迎", "最畅销", "最热销", "最好", "最佳", "最优", "最低", "最低价",
    "最便宜", "最大", "最高", "首家", "首个", "独家", "no.1", "top1",
}
# After 第一, a measure word makes an ordinal (the first night, the first floor), not a ranking.
_ORDINAL_AFTER = set("次天步页期批层排站季章课节届晚周楼道间号座栋单元")
_ORDINAL_WORDS = {"第一时间", "第一手", "第一线", "第一眼", "第一印象"}
_BRANCH_AFTER = ("分店", "门店", "店铺", "店")
# Superlatives that state a technical limit (最大加工尺寸, 最高温度) or give advice (最好提前预约).
_SPEC_AFTER = re.compile(
    r"[\u4e00-\u9fff]{0,3}?(?:尺寸|行程|直径|长度|宽度|高度|深度|重量|载重|承重|负载|容量|容积|功率|转速|速度|时速|温度|压力|"
    r"电压|电流|精度|分辨率|放大倍数|倍率|量程|检测限|灵敏度|频率|面积|人数|入住|可住|可容纳|期限|限额)"
    r"|可|不超过|支持|提前|不要|别|先|能|在|自带|携带|预约|联系|咨询"
)
_SPEC_TERMS = {"最大", "最高", "最低", "最好", "最多", "最少", "最小", "最长", "最短"}
_BENIGN_WORDS = {"绝对值", "绝对温度", "绝对湿度", "绝对压力", "绝对误差", "最高法", "首选项", "唯一标识", "唯一性编码",
                 "顶级域名", "万能表", "万用表"}
_SELF = re.compile(r"本店|我店|本店铺|我们店|店内|店里|本民宿|本公司|我司|本机构|本馆|本中心|我们家|我家|本实验室")
_TIME = re.compile(
    r"(?:19|20)\d{2}\s*(?:年|—|-|~|至)|\d{1,2}\s*月份?|年度|季度|上半年|下半年|本月|本周|今年|去年|近[一二三两\d]+年"
)
_PLACE = re.compile(
    r"[\u4e00-\u9fff]{1,6}?(?:省|市|区|县|镇|乡|街道|商圈|片区)|厦门|天津|鼓浪屿|思明|湖里|海沧|集美|同安|翔安|"
    r"和平|河东|河西|南开|河北|红桥|东丽|西青|津南|北辰|武清|宝坻|滨海|宁河|静海|蓟州"
)
_UNLIMITED_PLACE = re.compile(r"全国|全球|世界|中国|国内|全网|国际|亚洲|宇宙|史上")

# --- b) prohibited items ---------------------------------------------------------------------

# term -> licence codes any one of which, when given, allows the trade.
PROHIBITED_ITEMS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys((
        "枪支", "手枪", "猎枪", "气枪", "仿真枪", "枪械", "弹药", "子弹", "炸药", "雷管", "管制刀具", "弩箭",
        "毒品", "冰毒", "海洛因", "大麻", "摇头丸", "k粉", "迷药", "迷幻药", "野生动物制品", "象牙", "犀牛角",
        "穿山甲", "虎骨", "熊胆", "发票代开", "代开发票", "代开增值税发票", "假证", "办假证", "假身份证",
        "假文凭", "假学历", "人体器官", "器官买卖", "卖肾", "代孕", "窃听器", "针孔摄像头", "出售银行卡",
        "出租银行卡", "代考", "替考", "考试答案",
    ), ()),
    "处方药": ("drug_trade_licence", "drug_business_licence", "pharmacy_licence", "internet_drug_info_licence"),
}
_NEGATION = re.compile(r"禁止|严禁|不得|不允许|请勿|勿带|谢绝|拒绝|不含|不售|不提供|杜绝|举报")

# --- d) contact details ------------------------------------------------------------------------

_CONTACT_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("contact.mobile", re.compile(r"(?<![\d.])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?![\d])")),
    ("contact.landline", re.compile(r"(?<![\d.])(?:\(0\d{2,3}\)|0\d{2,3})[\s-]?[2-9]\d{6,7}(?![\d])")),
    ("contact.wechat", re.compile(
        r"(?:加(?:我|一下)?(?:微信|薇信|威信|徽信|v信|vx|wx|v|微)|微信|薇信|威信|徽信|v信|\bvx|\bwx|weixin|wechat)(?:号|id)?\s*[:：]?\s*[a-z][-_a-z0-9]{5,19}"
        r"|加(?:我|一下)?(?:微信|薇信|威信|v信|vx|wx|微|v)|(?:微信|vx)(?:联系|咨询|详聊|沟通)|联系(?:微信|vx)")),
    ("contact.qq", re.compile(r"(?:qq|扣扣|企鹅)(?:号|群)?\s*[:：]?\s*[1-9]\d{4,10}")),
    ("contact.email", re.compile(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}")),
    ("contact.link", re.compile(
        r"https?://\S+|www\.[a-z0-9-]+\.\S+|[a-z0-9-]+\.(?:com|cn|net|cc|top)(?:/\S*)?\b"
        r"|(?:闲鱼|咸鱼|淘宝|拼多多|小红书|抖音|美团|爱彼迎|airbnb)(?:上)?(?:搜|拍|下单|链接|店铺|联系)")),
)
OFF_PLATFORM_PHRASES = (
    "私下交易", "线下交易", "线下转账", "私下转账", "私下付款", "线下付款", "加微信付款", "加微信转账", "微信转账",
    "支付宝转账", "直接转账", "绕过平台", "不走平台", "平台外交易", "私聊交易", "私聊下单", "站外交易",
)


@dataclass(frozen=True)
class Finding:
    rule: str  # a dotted code: "absolute_term", "absolute_term.qualified", "prohibited_item", ...
    outcome: str  # reject | review
    ground: str  # illegal_content | terms_violation
    matched: str
    start: int  # position in the screened text (-1: not about the text, e.g. a missing licence)
    end: int
    legal_reference: str
    explanation: str
    field: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ScreenResult:
    verdict: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    text: str = ""  # what was screened: the text, then each attribute value on its own line

    @property
    def rejected(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == REJECT]

    @property
    def to_review(self) -> list[Finding]:
        return [f for f in self.findings if f.outcome == REVIEW]

    def findings_data(self) -> list[dict]:
        return [finding.as_dict() for finding in self.findings]


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalise(text: str) -> str:
    """Half-width, lower-case text of the same length as ``text`` (positions stay valid)."""
    folded = text.translate(_FULL_WIDTH).lower()
    if len(folded) == len(text):
        return folded
    out = []  # a rare character whose lower case is longer: fold one by one
    for char in text:
        one = unicodedata.normalize("NFKC", char).lower()
        out.append(one if len(one) == 1 else (char.lower() if len(char.lower()) == 1 else char))
    return "".join(out)


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    entries: dict[str, list[tuple[str, bool]]] = {}

    def add(term: str, kind: str) -> None:
        key = normalise(term)
        # A term jieba cuts into several words is matched on the raw text.
        multi_token = len([w for w in jieba.cut(key) if w.strip()]) > 1
        entries.setdefault(key, []).append((kind, multi_token))

    for term in ABSOLUTE_TERMS:
        add(term, "absolute")
    for term in PROHIBITED_ITEMS:
        add(term, "prohibited")
    for term in OFF_PLATFORM_PHRASES:
        add(term, "off_platform")
    for key, kinds in entries.items():
        automaton.add_word(key, (key, tuple(kinds)))
    automaton.make_automaton()
    return automaton


@dataclass(frozen=True)
class _Words:
    starts: frozenset[int]
    ends: frozenset[int]
    spans: tuple[tuple[int, int, str], ...]

    def covering(self, start: int, end: int) -> tuple[int, int, str] | None:
        for span in self.spans:
            if span[0] <= start and end <= span[1]:
                return span
        return None


def _words(text: str, offset: int = 0) -> _Words:
    spans = tuple((s + offset, e + offset, w) for w, s, e in jieba.tokenize(text))
    return _Words(frozenset(s for s, _e, _w in spans), frozenset(e for _s, e, _w in spans), spans)


class _Segmenter:
    """jieba's words of the text, segmented clause by clause and only where a term matched:
    jieba cuts at punctuation anyway, so a clause's words are the text's words there."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.clauses: dict[int, _Words] = {}

    def at(self, start: int, end: int) -> _Words:
        clause, left = _clause(self.text, start, end)
        if left not in self.clauses:
            self.clauses[left] = _words(clause, left)
        return self.clauses[left]


def _is_word(words: _Words, start: int, end: int, multi_token: bool) -> tuple[bool, str]:
    """Whether a match counts, and the jieba word it sits in (when it is part of a longer word)."""
    if start in words.starts and end in words.ends:
        return True, ""
    span = words.covering(start, end)
    if span is not None:
        # Part of one longer word (唯一性, 最高级别, 第一次): the word decides, see _ordinal.
        return True, span[2]
    return multi_token, ""


_CLAUSE_BREAK = re.compile(r"[，。！？；;!?\n,]|\.(?!\d)")


def _clause(text: str, start: int, end: int) -> tuple[str, int]:
    """The clause around a match (between punctuation) and its offset in ``text``."""
    left = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, start):
        left = match.end()
    right_match = _CLAUSE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:right], left


def _spans_of(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for name in names:
        key = normalise(name.strip())
        if not key:
            continue
        index = text.find(key)
        while index >= 0:
            spans.append((index, index + len(key)))
            index = text.find(key, index + 1)
    return spans


def _ordinal(text: str, term: str, start: int, end: int, word: str) -> bool:
    """第一 used as an ordinal (第一次, 第一晚, 本店第一家分店) rather than as a ranking."""
    if term != "第一":
        return False
    if word in _ORDINAL_WORDS or any(text.startswith(w, start) for w in _ORDINAL_WORDS):
        return True
    after = text[end:end + 3]
    if after[:1] in _ORDINAL_AFTER:
        return True
    return after[:1] == "家" and any(text.startswith(b, end + 1) for b in _BRANCH_AFTER)


def _limited(clause: str, offset_in_clause: int) -> bool:
    """A claim limited in time or place (a fact that may be lawful if it can be proven)."""
    before = clause[:offset_in_clause]
    if _UNLIMITED_PLACE.search(before):
        return False
    return bool(_TIME.search(before) or _PLACE.search(before))


def _absolute_finding(text: str, term: str, start: int, end: int, word: str) -> Finding | None:
    matched = text[start:end]
    if word in _BENIGN_WORDS or _ordinal(text, term, start, end, word):
        return None
    if term in _SPEC_TERMS and _SPEC_AFTER.match(text, end):
        return None
    clause, clause_start = _clause(text, start, end)
    if term in _RANKING_TERMS and _SELF.search(clause[:start - clause_start]):
        return Finding(
            rule="absolute_term.internal_ranking", outcome=REVIEW, ground=ILLEGAL_CONTENT, matched=matched,
            start=start, end=end, legal_reference=f"{AD_LAW_ART9}；{AD_GUIDE_2023}",
            explanation=_("“%(term)s” describes a ranking inside the provider's own offer; a moderator checks "
                          "that it does not mislead.") % {"term": matched},
        )
    if term in _RANKING_TERMS and _limited(clause, start - clause_start):
        return Finding(
            rule="absolute_term.qualified", outcome=REVIEW, ground=ILLEGAL_CONTENT, matched=matched,
            start=start, end=end, legal_reference=f"{AD_LAW_ART9}；{AD_GUIDE_2023}",
            explanation=_("“%(term)s” is limited in time or place; it is allowed only as a true fact the provider "
                          "can prove, so a moderator checks it.") % {"term": matched},
        )
    return Finding(
        rule="absolute_term", outcome=REJECT, ground=ILLEGAL_CONTENT, matched=matched, start=start, end=end,
        legal_reference=AD_LAW_ART9,
        explanation=_("Advertising may not use absolute terms such as “%(term)s”.") % {"term": matched},
    )


def _prohibited_finding(text: str, term: str, start: int, end: int,
                        licences: Mapping[str, str]) -> Finding | None:
    allowed_by = PROHIBITED_ITEMS.get(term, ())
    if allowed_by and any(str(licences.get(code) or "").strip() for code in allowed_by):
        return None
    clause, clause_start = _clause(text, start, end)
    if _NEGATION.search(clause[:start - clause_start]):
        return None  # 严禁携带管制刀具: a house rule, not an offer
    return Finding(
        rule="prohibited_item", outcome=REJECT, ground=ILLEGAL_CONTENT, matched=text[start:end], start=start,
        end=end, legal_reference=ECOMMERCE_ART13,
        explanation=_("“%(term)s” may not be sold or offered on the platform.") % {"term": text[start:end]},
    )


def _licence_findings(licence_rules: Iterable[Mapping], licences: Mapping[str, str]) -> list[Finding]:
    findings = []
    for rule in licence_rules:
        if rule.get("holder", "listing") not in ("listing", "provider"):
            continue  # a customer's qualification is checked when they book
        code = rule["code"]
        label = rule.get("label_zh") or rule.get("label_en") or code
        reference = rule.get("legal_reference") or ECOMMERCE_ART13
        number = str(licences.get(code) or "").strip()
        if not number:
            findings.append(Finding(
                rule="licence.missing", outcome=REJECT, ground=ILLEGAL_CONTENT, matched="", start=-1, end=-1,
                legal_reference=reference, field=f"licences.{code}",
                explanation=_("This category needs the %(licence)s number; enter it before publishing.")
                % {"licence": label},
            ))
            continue
        pattern = rule.get("pattern")
        if pattern and not re.fullmatch(pattern, number):
            findings.append(Finding(
                rule="licence.unrecognised", outcome=REVIEW, ground=ILLEGAL_CONTENT, matched=number, start=-1,
                end=-1, legal_reference=reference, field=f"licences.{code}",
                explanation=_("The %(licence)s number is not in the usual format; a moderator checks it.")
                % {"licence": label},
            ))
    return findings


def _contact_findings(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    findings = []
    for rule, pattern in _CONTACT_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            findings.append(Finding(
                rule=rule, outcome=REVIEW, ground=TERMS_VIOLATION, matched=match.group(0), start=start, end=end,
                legal_reference=OFF_PLATFORM_RULE,
                explanation=_("Contact details in a listing can take the trade off the platform, where the "
                              "customer is not protected; a moderator checks them."),
            ))
    return findings


def screen(*, text: str, licence_rules: Iterable[Mapping] = (), licences: Mapping[str, str] | None = None,
           attributes: Mapping[str, object] | None = None, trademarks: Iterable[str] = ()) -> ScreenResult:
    """Screen a listing's text (and attribute values, and licences) and say what should happen to it.

    Positions in the findings are offsets into ``text``; attribute values are screened after
    it, as if appended on a new line, so a finding there has a position past ``len(text)``.
    """
    licences = licences or {}
    values = [str(v) for v in (attributes or {}).values() if isinstance(v, str | int | float) and str(v).strip()]
    full = "\n".join([text or "", *values]) if values else (text or "")
    norm = normalise(full)
    segmenter = _Segmenter(norm)
    protected = _spans_of(norm, trademarks)

    findings: list[Finding] = []
    seen: set[tuple[int, int]] = set()
    matches = sorted(((end + 1 - len(key), end + 1, key, kinds) for end, (key, kinds) in _automaton().iter(norm)),
                     key=lambda m: (m[0], -(m[1] - m[0])))
    covered: list[tuple[int, int]] = []
    for start, end, key, kinds in matches:
        if any(s <= start and end <= e for s, e in protected):
            continue  # part of a registered trademark or company name
        if any(s < end and start < e for s, e in covered):
            continue  # overlaps a longer term already found (全网最低 covers 最低价's 最低)
        for kind, multi_token in kinds:
            counts, word = _is_word(segmenter.at(start, end), start, end, multi_token)
            if not counts:
                continue
            if kind == "absolute":
                finding = _absolute_finding(norm, key, start, end, word)
            elif kind == "prohibited":
                finding = _prohibited_finding(norm, key, start, end, licences)
            else:
                finding = Finding(
                    rule="off_platform_trade", outcome=REJECT, ground=TERMS_VIOLATION, matched=full[start:end],
                    start=start, end=end, legal_reference=OFF_PLATFORM_RULE,
                    explanation=_("Asking customers to trade or pay outside the platform is not allowed."),
                )
            if finding is not None and (start, end) not in seen:
                seen.add((start, end))
                covered.append((start, end))
                findings.append(_with_original(finding, full))
    findings.extend(_with_original(f, full) for f in _contact_findings(norm, list(covered)))
    findings.extend(_licence_findings(licence_rules, licences))
    findings.sort(key=lambda f: (f.start < 0, f.start))
    if any(f.outcome == REJECT for f in findings):
        verdict = REJECT
    elif findings:
        verdict = REVIEW
    else:
        verdict = APPROVE
    return ScreenResult(verdict=verdict, findings=tuple(findings), text=full)


def summarise(findings: Iterable[Finding | Mapping]) -> tuple[str, str, str]:
    """(ground, legal reference, facts) of a statement of reasons resting on these findings."""
    rows = [f.as_dict() if isinstance(f, Finding) else dict(f) for f in findings]
    if not rows:
        return TERMS_VIOLATION, OFF_PLATFORM_RULE, ""
    ground = ILLEGAL_CONTENT if any(r["ground"] == ILLEGAL_CONTENT for r in rows) else TERMS_VIOLATION
    references: dict[str, None] = {}
    for row in rows:
        references.setdefault(row["legal_reference"], None)
    facts = []
    for row in rows:
        facts.append(f"「{row['matched']}」：{row['explanation']}" if row["matched"] else row["explanation"])
    return ground, "；".join(references)[:500], "\n".join(facts)[:4000]


def _with_original(finding: Finding, full: str) -> Finding:
    """The matched text as the provider wrote it (not the normalised form)."""
    if finding.start < 0:
        return finding
    original = full[finding.start:finding.end]
    return finding if finding.matched == original else Finding(**{**asdict(finding), "matched": original})
