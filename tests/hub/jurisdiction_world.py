"""Three places with their own platforms, officers, directives, identity reviews and quarantined
input, for the scoping tests: Xiamen-Siming (350203), Xiamen-Huli (350206), Tianjin-Heping (120101).

The slices run through the real exchange (market services, relay, intake); the directives are issued
by each place's own officer through the hub's service. Identity reviews and quarantined input are
written as intake leaves them (one row each): what matters here is who may read them.

``markers`` are strings that only that place's data contains (platform name and id, directive id,
review id): a page of another jurisdiction that contains one leaks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils import timezone

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.directives.models import Directive
from sharecity.hub.directives.services import directive_issue
from sharecity.hub.identity.models import IdentityReview
from sharecity.hub.intake.models import QuarantinedMessage
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.models import User
from tests.factories import credit_code, make_user
from tests.hub.slice import Slice, run_slice

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
    return World(places=places, siming_officer=siming_officer, huli_officer=huli_officer,
                 xiamen_officer=xiamen_officer, tianjin_officer=tianjin_officer, operator=operator, someone=someone)
