"""Three places with their own platforms, officers, directives, identity reviews and quarantined
input, for the scoping tests: Xiamen-Siming (350203), Xiamen-Huli (350206), Tianjin-Heping (120101).

The slices run through the real exchange (market services, relay, intake); the directives are issued
by each place's own officer through the hub's service. Identity reviews and quarantined input are
written as intake leaves them (one row each): what matters here is who may read them.

``markers`` are strings that only that place's data contains (platform name and id, directive id,
review id): a page of another jurisdiction that contains one leaks.

Each place also holds what hub/facts, hub/credit and hub/publicity show: facts its platform sent on
top of the slice through intake (a listing, a complaint answered and the slice's complaint resolved,
a moderation decision, a safety incident, a subject), the credit files those facts made (with a
commitment and an honour its officer entered), and its officer's penalties (one with a repair
application from the public window) and red-list entry. Lists are city lists
(``Jurisdiction.filter_cities``): another district of the same city sees them, so their markers are
``city_markers``, a leak only towards another city.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.utils import timezone

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.credit.models import CreditRecord, CreditSubject
from sharecity.hub.credit.services import credit_commitment_add, credit_honour_add
from sharecity.hub.directives.models import Directive
from sharecity.hub.directives.services import directive_issue
from sharecity.hub.enforcement.models import Case
from sharecity.hub.enforcement.services import case_open
from sharecity.hub.facts.models import ComplaintFact, ListingFact, ModerationFact, SafetyIncident, SubjectFact
from sharecity.hub.identity.models import IdentityReview
from sharecity.hub.intake.models import QuarantinedMessage
from sharecity.hub.intake.services import intake_pump, intake_receive
from sharecity.hub.publicity.models import ListEntry, PenaltyDecision, RepairApplication
from sharecity.hub.publicity.services import list_entry_add, penalty_record, repair_apply
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.models import User
from sharecity.kernel.timeutil import CITY_TZ
from tests.factories import credit_code, make_user
from tests.hub.hostile import listing
from tests.hub.slice import Slice, next_in_chain, run_slice

LAW = "《电子商务法》第二十五条"


@dataclass
class Place:
    key: str
    district: str
    city: str
    name: str
    slice: Slice
    officer: User
    directive: Directive | None = None
    review: IdentityReview | None = None
    quarantined: QuarantinedMessage | None = None
    extra_markers: list[str] = field(default_factory=list)
    # hub/facts: kind (as in /hub/facts/<kind>/) -> the id of this place's fact of that kind
    facts: dict[str, int] = field(default_factory=dict)
    credit_file: CreditSubject | None = None       # the platform's credit file (an enterprise)
    commitment: CreditRecord | None = None
    penalty: PenaltyDecision | None = None
    repair: RepairApplication | None = None
    list_entry: ListEntry | None = None
    case: Case | None = None                        # hub/enforcement: a case its officer opened
    # Markers of city-wide rows (list entries): a leak only on the pages of another city's officer.
    city_markers: list[str] = field(default_factory=list)

    @property
    def platform_id(self) -> str:
        return self.slice.platform_id

    @property
    def markers(self) -> list[str]:
        found = [self.name, self.platform_id]
        if self.directive is not None:
            found.append(str(self.directive.message_id))
        if self.review is not None:
            found.append(self.review.review_id)
        return found + self.extra_markers


@dataclass
class World:
    places: dict[str, Place]
    siming_officer: User      # a district bureau in Xiamen (350203)
    huli_officer: User        # another district of the same city (350206)
    xiamen_officer: User      # Xiamen's city-level bureau
    tianjin_officer: User     # Tianjin's city-level bureau (120100)
    operator: User            # a hub operator: every city
    someone: User             # signed in, neither officer nor operator

    def __getitem__(self, key: str) -> Place:
        return self.places[key]

    def foreign_to(self, own: list[str]) -> list[Place]:
        return [place for key, place in self.places.items() if key not in own]


def _officer(username: str, department: str, **where) -> User:
    user = make_user(username)
    regulator_profile_set(actor=None, user=user, department=department, **where)
    return user


def _pump() -> None:
    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)


def _send(platform_id: str, message_type: str, payload: dict) -> None:
    """A fact the place's platform sends on top of the slice, continuing its chain through intake."""
    outcome = intake_receive(next_in_chain(platform_id, message_type=message_type, payload=payload).to_bytes())
    assert outcome.name == "APPLIED", outcome


def _facts(place: Place) -> None:
    """The facts hub/facts shows, sent by the place's own platform; every id and text names the place."""
    key, district, pid = place.key, place.district, place.platform_id
    now = timezone.now().astimezone(dt.UTC)

    def at(minutes: int) -> str:
        return (now - dt.timedelta(minutes=minutes)).isoformat()

    _send(pid, "subject.registered", {"subject_key": f"pk-{key}-subject-01", "subject_kind": "business",
                                      "sectors": ["parking"], "district": district, "registered_at": at(300)})
    _send(pid, "listing.published", listing(listing_id=f"L-{key}-1", district=district,
                                            provider_key=f"pk-{key}-subject-01", title=f"{key}-车位标题"))
    _send(pid, "complaint.filed", {"complaint_id": f"C-{key}-2", "order_id": f"O-{key}-2", "district": district,
                                   "category": "hygiene", "complainant_key": f"pk-{key}-guest-01"})
    _send(pid, "complaint.answered", {"complaint_id": f"C-{key}-2", "district": district, "answered_at": at(60),
                                      "answer": "refund_offered", "summary": f"{key}-退款答复"})
    slice_complaint = ComplaintFact.objects.filter(platform_id=pid).exclude(complaint_id=f"C-{key}-2").get()
    _send(pid, "complaint.resolved", {"complaint_id": slice_complaint.complaint_id, "district": district,
                                      "resolved_at": at(30), "outcome": "upheld"})
    _send(pid, "moderation.decision", {"decision_id": f"D-{key}-1", "subject_type": "listing",
                                       "subject_id": f"L-{key}-1", "decision": "removed", "decided_at": at(20),
                                       "statement_of_reasons": {"ground": "illegal_content",
                                                                "legal_reference": LAW, "facts": f"{key}-违规事实",
                                                                "automated_detection": False,
                                                                "automated_decision": False}})
    _send(pid, "safety.incident", {"incident_id": f"I-{key}-1", "category": "injury", "severity": "major",
                                   "district": district, "occurred_at": at(120), "reported_at": at(110),
                                   "description": f"{key}-地锁夹伤事故", "injured": 1})
    place.facts = {
        "listings": ListingFact.objects.get(platform_id=pid, listing_id=f"L-{key}-1").pk,
        "complaints": ComplaintFact.objects.get(platform_id=pid, complaint_id=f"C-{key}-2").pk,
        "moderation": ModerationFact.objects.get(platform_id=pid, decision_id=f"D-{key}-1").pk,
        "incidents": SafetyIncident.objects.get(platform_id=pid, incident_id=f"I-{key}-1").pk,
        "subjects": SubjectFact.objects.get(platform_id=pid, subject_key=f"pk-{key}-subject-01").pk,
    }
    place.extra_markers += [f"L-{key}-1", f"{key}-车位标题", f"pk-{key}-subject-01", f"C-{key}-2",
                            f"{key}-退款答复", f"D-{key}-1", f"{key}-违规事实", f"I-{key}-1", f"{key}-地锁夹伤事故",
                            f"pk-{key}-guest-01"]


def _credit_and_publicity(place: Place) -> None:
    """The platform's credit file with a commitment and an honour; two penalties (one repair applied for)
    and a red-list entry, by the place's own officer."""
    key, officer = place.key, place.officer
    today = timezone.now().astimezone(CITY_TZ).date()
    place.credit_file = CreditSubject.objects.get(kind="enterprise", platform_id=place.platform_id)
    place.commitment = credit_commitment_add(
        actor=officer, subject_id=place.credit_file.pk, commitment_type="voluntary", content=f"{key}-承诺内容",
        liability="违约承担责任", valid_from=today, valid_until=today + dt.timedelta(days=365))
    credit_honour_add(actor=officer, subject_id=place.credit_file.pk, issuer=f"{key}-颁发单位",
                      title=f"{key}-荣誉称号", awarded_on=today - dt.timedelta(days=2))
    place.penalty = penalty_record(
        actor=officer, subject_kind="person", subject_identifier=f"id-{key}-penalty-0001",
        decision_number=f"罚-{key}-2026-1", facts=f"{key}-未公示收费标准", law="《价格法》", article="第十三条",
        severity="ordinary", decided_on=today - dt.timedelta(days=3), district_code=place.district)
    light = penalty_record(
        actor=officer, subject_kind="person", subject_identifier=f"id-{key}-repair-00001",
        decision_number=f"罚-{key}-2026-2", facts=f"{key}-轻微失信事实", law="《价格法》", article="第十三条",
        severity="light", decided_on=today - dt.timedelta(days=3), district_code=place.district)
    place.repair, _secret = repair_apply(
        decision_number=light.decision_number, subject_identifier=light.subject_identifier,
        performance=f"{key}-罚款已缴清", correction="已改正", commitment="承诺守法经营")
    place.list_entry = list_entry_add(
        actor=officer, credit_list="red", subject_kind="person", subject_identifier=f"id-{key}-redlist-001",
        legal_basis="守信激励", decided_on=today - dt.timedelta(days=3), effective_on=today - dt.timedelta(days=3),
        reason=f"{key}-守信激励理由", district_code=place.district)
    place.extra_markers += [f"{key}-承诺内容", f"{key}-颁发单位", f"{key}-荣誉称号", f"id-{key}-penalty-0001",
                            f"罚-{key}-2026-1", f"{key}-未公示收费标准", f"id-{key}-repair-00001",
                            f"罚-{key}-2026-2", f"{key}-轻微失信事实", place.repair.tracking_code,
                            f"{key}-罚款已缴清"]
    place.city_markers += [f"id-{key}-redlist-001", f"{key}-守信激励理由"]


def _case(place: Place) -> None:
    """An enforcement case on the place's platform, opened by its officer from the place's complaint."""
    place.case = case_open(actor=place.officer, city_code=place.city, district_code=place.district,
                           department="market_supervision", source_kind="complaint", source_ref=f"C-{place.key}-2",
                           subject_kind="platform", subject_ref=place.platform_id, platform_id=place.platform_id,
                           summary=f"{place.key}-案件摘要")
    place.extra_markers += [f"{place.key}-案件摘要", str(place.case.public_id)]


def build_world() -> World:
    siming_officer = _officer("siming-officer", "厦门市思明区市场监督管理局", district_code="350203")
    huli_officer = _officer("huli-officer", "厦门市湖里区市场监督管理局", district_code="350206")
    xiamen_officer = _officer("xiamen-officer", "厦门市市场监督管理局", city_code="350200")
    tianjin_officer = _officer("tianjin-officer", "天津市市场监督管理委员会", city_code="120100")
    operator = make_user("hub-operator-world")
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    someone = make_user("just-someone")

    places = {}
    for key, district, city, name, officer in (
        ("siming", "350203", "350200", "思明鹭江共享停车", siming_officer),
        ("huli", "350206", "350200", "湖里五缘湾共享停车", huli_officer),
        ("heping", "120101", "120100", "和平五大道共享停车", tianjin_officer),
    ):
        # Registered where it operates: a platform is in the jurisdiction of its domicile too.
        the_slice = run_slice(district=district, name=name, credit_code=credit_code(division=district))
        places[key] = Place(key=key, district=district, city=city, name=name, slice=the_slice, officer=officer)
    _pump()

    now = timezone.now()
    for index, place in enumerate(places.values()):
        place.directive = directive_issue(
            actor=place.officer, platform_id=place.platform_id, directive_type="assistance.request",
            legal_reference=LAW, case_id=f"CASE-{place.key.upper()}-{index}", request="提供该车位近三个月的订单记录",
            order_ids=[f"order-{place.key}"])
        place.review = IdentityReview.objects.create(
            platform_id=place.platform_id, review_id=f"review-{place.key}-7f3a", subject_key=f"ac-{place.key}-subject",
            claimed_key=f"claimed-{place.key}-key", subject_kind="person", reason="identity_in_use", requested_at=now)
        place.quarantined = QuarantinedMessage.objects.create(
            raw=json.dumps({"platform_id": place.platform_id, "note": f"bad-input-{place.key}"}).encode(),
            platform_id=place.platform_id, code="exchange.bad_signature", field="signature",
            reason=f"signature does not verify ({place.key})")
        place.extra_markers += [f"claimed-{place.key}-key", f"bad-input-{place.key}",
                                f"CASE-{place.key.upper()}-{index}"]
    for place in places.values():
        _facts(place)
    # Siming's platform also operates in Huli: the incident there is Huli's (a Siming officer sees its
    # platform's credit file count it, but not what it was), and Huli's officer now sees that platform.
    _send(places["siming"].platform_id, "safety.incident", {
        "incident_id": "I-huli-on-siming-1", "category": "injury", "severity": "general", "district": "350206",
        "occurred_at": (timezone.now() - dt.timedelta(hours=3)).astimezone(dt.UTC).isoformat(),
        "reported_at": (timezone.now() - dt.timedelta(hours=2)).astimezone(dt.UTC).isoformat(),
        "description": "huli-跨区经营事故", "injured": 1})
    places["huli"].extra_markers += ["I-huli-on-siming-1", "huli-跨区经营事故"]
    for place in places.values():
        _credit_and_publicity(place)
        _case(place)
    return World(places=places, siming_officer=siming_officer, huli_officer=huli_officer,
                 xiamen_officer=xiamen_officer, tianjin_officer=tianjin_officer, operator=operator, someone=someone)
