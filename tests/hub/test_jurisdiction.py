"""Each existing hub page and API as an officer of another district and of another city (nothing
leaks), as a city officer (the city's districts), and as a hub operator (every city); directives
carry the issuing officer's city and district; audit entries carry theirs in the hash; who may be
made an officer of which city and district."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from sharecity.hub.audit.models import AuditEntry
from sharecity.hub.audit.selectors import audit_verify
from sharecity.hub.directives.models import Directive
from sharecity.hub.directives.services import directive_issue
from sharecity.hub.registry.admin import RegulatorProfileForm
from sharecity.hub.registry.jurisdiction import Jurisdiction, jurisdiction_for, jurisdiction_required
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.errors import InvalidInput
from tests import factories
from tests.hub.jurisdiction_world import LAW, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def page(user, name: str, *, language: str = "zh-hans", **kwargs):
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or None))


def shows(world: World, user, name: str, **kwargs) -> set[str]:
    """The places whose markers the page shows to ``user``."""
    response = page(user, name, **kwargs)
    assert response.status_code == 200, (name, response.status_code)
    body = response.content.decode()
    return {key for key, place in world.places.items() if any(marker in body for marker in place.markers)}


VIEWERS = {
    "siming_officer": {"siming"},
    "huli_officer": {"huli"},
    "xiamen_officer": {"siming", "huli"},
    "tianjin_officer": {"heping"},
    "operator": {"siming", "huli", "heping"},
}


@pytest.mark.parametrize("name", ["monitoring:dashboard", "monitoring:figures", "gateway:quarantine",
                                  "identity:reviews"])
def test_each_page_shows_the_viewers_jurisdiction_and_nothing_else(world, name):
    for viewer, expected in VIEWERS.items():
        assert shows(world, getattr(world, viewer), name) == expected, viewer


def test_directives_and_the_audit_log_show_what_the_jurisdictions_officers_did(world):
    # Each place's directive was issued by that place's officer: a district officer sees their own
    # district's, the city officer the whole city's, the operator every city's.
    for viewer, expected in VIEWERS.items():
        user = getattr(world, viewer)
        assert shows(world, user, "hub_directives:list") == expected, viewer
        assert shows(world, user, "audit:log") == expected, viewer


def test_the_identity_review_api_is_scoped_and_counts_claims_only_inside_the_jurisdiction(world):
    def review_ids(user) -> set[str]:
        client = Client()
        client.force_login(user)
        response = client.get("/api/v1/hub/identity-reviews")
        assert response.status_code == 200
        return {row["review_id"] for row in response.json()}

    for viewer, expected in VIEWERS.items():
        assert review_ids(getattr(world, viewer)) == {world[key].review.review_id for key in expected}, viewer
    # A Tianjin request claiming the same number as Siming's: only the operator sees two claims.
    from sharecity.hub.identity.selectors import identity_reviews

    world["heping"].review.claimed_key = world["siming"].review.claimed_key
    world["heping"].review.save()
    siming_only = identity_reviews(jurisdiction=jurisdiction_for(world.siming_officer))
    assert [review.claims for review in siming_only] == [1]
    assert {review.claims for review in identity_reviews(jurisdiction=jurisdiction_for(world.operator))
            if review.claimed_key == world["siming"].review.claimed_key} == {2}


def test_a_foreign_directive_is_404_and_an_own_one_is_shown(world):
    siming_directive = world["siming"].directive.message_id
    assert page(world.huli_officer, "hub_directives:detail", message_id=siming_directive).status_code == 404
    assert page(world.tianjin_officer, "hub_directives:detail", message_id=siming_directive).status_code == 404
    for user in (world.siming_officer, world.xiamen_officer, world.operator):
        assert page(user, "hub_directives:detail", message_id=siming_directive).status_code == 200


def test_a_directive_carries_its_officers_city_and_district(world):
    assert (world["siming"].directive.city_code, world["siming"].directive.district_code) == ("350200", "350203")
    assert (world["heping"].directive.city_code, world["heping"].directive.district_code) == ("120100", "")


def test_an_officer_may_direct_only_platforms_of_their_jurisdiction(world):
    fields = {"legal_reference": LAW, "case_id": "X-1", "request": "提供订单", "order_ids": ["o-1"]}
    for officer, foreign in ((world.siming_officer, "huli"), (world.siming_officer, "heping"),
                             (world.tianjin_officer, "siming"), (world.xiamen_officer, "heping")):
        with pytest.raises(InvalidInput) as refused:
            directive_issue(actor=officer, platform_id=world[foreign].platform_id,
                            directive_type="assistance.request", **fields)
        assert (refused.value.field, refused.value.code) == ("platform_id", "directive.platform_outside_jurisdiction")
    # The same answer for a platform that does not exist: the refusal tells nothing about other cities.
    with pytest.raises(InvalidInput) as unknown:
        directive_issue(actor=world.siming_officer, platform_id="no-such-platform",
                        directive_type="assistance.request", **fields)
    assert str(unknown.value.message) == str(refused.value.message)
    directive = directive_issue(actor=world.xiamen_officer, platform_id=world["huli"].platform_id,
                                directive_type="assistance.request", **fields)
    assert (directive.city_code, directive.district_code) == ("350200", "")


def test_the_directive_form_offers_only_the_jurisdictions_platforms_and_refuses_a_foreign_one(world):
    # The form's platform picker searches the jurisdiction's platforms only (every one, with no words typed).
    picker = Client()
    picker.force_login(world.siming_officer)
    response = picker.get(reverse("api-v1:lookup_platforms"), {"limit": 20})
    assert response.status_code == 200
    offered = {item["key"] for item in response.json()["items"]}
    assert world["siming"].platform_id in offered
    assert world["huli"].platform_id not in offered and world["heping"].platform_id not in offered
    form = page(world.siming_officer, "hub_directives:new", directive_type="assistance.request").content.decode()
    assert world["huli"].platform_id not in form and world["heping"].name not in form
    emergency = page(world.siming_officer, "hub_directives:new", language="en",
                     directive_type="emergency.order").content.decode()
    assert "Siming" in emergency and "Huli" not in emergency and "Heping" not in emergency

    client = Client(headers={"accept-language": "en"})
    client.force_login(world.siming_officer)
    before = Directive.objects.count()
    response = client.post(reverse("hub_directives:new", kwargs={"directive_type": "assistance.request"}), {
        "platform_id": world["heping"].platform_id, "legal_reference": LAW, "case_id": "X-2",
        "request": "提供订单", "confidential": "on",
    })
    assert response.status_code == 400
    assert Directive.objects.count() == before
    assert world["heping"].name not in response.content.decode()


def test_operators_read_directives_but_only_officers_issue(world):
    assert page(world.operator, "hub_directives:new", directive_type="assistance.request").status_code == 403
    body = page(world.operator, "hub_directives:list").content.decode()
    assert 'data-type="assistance.request"' not in body


def test_a_platform_with_no_activity_is_in_the_jurisdiction_where_it_is_registered():
    tianjin = factories.make_platform(name="津门新平台", credit_code_=factories.credit_code(division="120103"))
    from sharecity.exchange.relay import relay_pump
    from sharecity.exchange.transports.local import LocalTransport
    from sharecity.hub.intake.services import intake_pump

    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    tianjin_officer = factories.make_user()
    regulator_profile_set(actor=None, user=tianjin_officer, department="天津市商务局", city_code="120100")
    hexi_officer = factories.make_user()
    regulator_profile_set(actor=None, user=hexi_officer, department="河西区市场监管局", district_code="120103")
    heping_officer = factories.make_user()
    regulator_profile_set(actor=None, user=heping_officer, department="和平区市场监管局", district_code="120101")
    xiamen_officer = factories.make_user()
    regulator_profile_set(actor=None, user=xiamen_officer, department="厦门市商务局")
    assert jurisdiction_for(tianjin_officer).covers_platform(tianjin.exchange_id)
    assert jurisdiction_for(hexi_officer).covers_platform(tianjin.exchange_id)
    assert not jurisdiction_for(heping_officer).covers_platform(tianjin.exchange_id)
    assert not jurisdiction_for(xiamen_officer).covers_platform(tianjin.exchange_id)


def test_audit_entries_carry_the_officers_city_and_district_under_the_hash(world):
    entry = AuditEntry.objects.get(action="directive.issued", object_id=str(world["huli"].directive.message_id))
    assert (entry.city_code, entry.district_code) == ("350200", "350206")
    profile_entry = AuditEntry.objects.filter(action="regulator.profile_set", object_id=str(world.tianjin_officer.pk))
    assert [(e.city_code, e.district_code) for e in profile_entry] == [("120100", "")]
    assert audit_verify().intact
    call_command("audit_verify")  # the CLI agrees

    # Moving an entry to another city (so that other city's officers read it) breaks the chain there.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE hub_audit_auditentry SET city_code = %s WHERE sequence = %s",
                       ["120100", entry.sequence])
    verdict = audit_verify()
    assert (verdict.bad_sequence, verdict.problem.split(":")[0]) == (entry.sequence, "edited")
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_an_export_with_scoped_entries_verifies_without_the_database(world, tmp_path):
    out = tmp_path / "audit.jsonl"
    call_command("audit_export", out=str(out))
    call_command("audit_verify", file=str(out))
    # An export made before entries had a city (no such keys) verifies as before.
    from sharecity.hub.audit.chain import chain_verify, entry_hash

    row = {"sequence": 1, "occurred_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "actor_id": None,
           "actor_name": "system", "action": "x", "object_type": "t", "object_id": "1", "detail": "{}",
           "prev_hash": "0" * 64}
    row["entry_hash"] = entry_hash(row)
    assert chain_verify([row]).intact


def test_an_officer_sees_whether_the_chain_holds_but_not_its_length(world):
    body = page(world.siming_officer, "audit:log", language="en").content.decode()
    assert 'data-testid="chain-intact"' in body and "entries, chain intact" not in body
    assert "entries, chain intact" in page(world.operator, "audit:log", language="en").content.decode()


def test_the_header_names_the_jurisdiction(world):
    def label(user, language="zh-hans") -> str:
        body = page(user, "monitoring:dashboard", language=language).content.decode()
        return body.split('data-testid="jurisdiction"', 1)[1].split(">", 1)[1].split("<", 1)[0]

    assert label(world.siming_officer) == "厦门市 思明区"
    assert label(world.siming_officer, "en") == "Siming, Xiamen"
    assert label(world.tianjin_officer) == "天津市"
    assert label(world.operator, "en") == "All cities"


# ---- who may be made an officer of what -------------------------------------------------------------------------

def test_a_profile_refuses_a_district_outside_the_city_an_unknown_city_or_department_kind():
    user = factories.make_user()
    with pytest.raises(InvalidInput) as outside:
        regulator_profile_set(actor=None, user=user, department="x", city_code="120100", district_code="350206")
    assert (outside.value.field, outside.value.code) == ("district_code", "registry.district_outside_city")
    with pytest.raises(InvalidInput) as unknown_city:
        regulator_profile_set(actor=None, user=user, department="x", city_code="110100")
    assert unknown_city.value.field == "city_code"
    with pytest.raises(InvalidInput) as unknown_district:
        regulator_profile_set(actor=None, user=user, department="x", district_code="350299")
    assert unknown_district.value.field == "district_code"
    with pytest.raises(InvalidInput) as unknown_kind:
        regulator_profile_set(actor=None, user=user, department="x", department_kind="police-ish")
    assert unknown_kind.value.field == "department_kind"
    profile = regulator_profile_set(actor=None, user=user, department="x", district_code="120101")
    assert (profile.city_code, profile.district_code) == ("120100", "120101")  # the city follows the district


def test_jurisdiction_required_refuses_anyone_else():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    for user in (AnonymousUser(), factories.make_user()):
        assert jurisdiction_for(user) is None
        with pytest.raises(PermissionDenied):
            jurisdiction_required(user)


@pytest.mark.parametrize(("city", "district", "field"), [
    ("120100", "350206", "district_code"),   # Huli is not in Tianjin
    ("999900", "", "city_code"),             # no such city
    ("350200", "350299", "district_code"),   # no such district
])
def test_the_admin_form_refuses_a_district_outside_the_city_and_unknown_codes(city, district, field):
    form = RegulatorProfileForm(data={"user": factories.make_user().pk, "department": "某局",
                                      "department_kind": "market_supervision", "city_code": city,
                                      "district_code": district})
    assert not form.is_valid()
    assert field in form.errors


def test_the_admin_form_accepts_a_district_of_the_city():
    form = RegulatorProfileForm(data={"user": factories.make_user().pk, "department": "和平区市场监管局",
                                      "department_kind": "market_supervision", "city_code": "120100",
                                      "district_code": "120101"})
    assert form.is_valid(), form.errors


def test_a_jurisdiction_label_and_cover():
    siming = Jurisdiction(city_code="350200", district_code="350203")
    assert siming.covers_district("350203") and not siming.covers_district("350206")
    assert siming.covers_scoped("350200", "350203") and not siming.covers_scoped("350200", "")
    assert Jurisdiction(city_code="350200").covers_scoped("350200", "350206")
    assert not Jurisdiction(city_code="120100").covers_scoped("350200", "")
    assert Jurisdiction(city_code=None).covers_scoped("", "")


def test_asking_by_name_for_another_jurisdictions_platform_finds_nothing(world):
    heping = world["heping"].platform_id
    client = Client()
    client.force_login(world.siming_officer)
    api = client.get("/api/v1/hub/identity-reviews", {"platform_id": heping})
    assert (api.status_code, api.json()) == (200, [])
    for name in ("gateway:quarantine", "hub_directives:list"):
        response = client.get(reverse(name), {"platform": heping, "status": "all"})
        assert response.status_code == 200
        body = response.content.decode().replace(heping, "")  # the filter echoes what was asked
        assert not any(marker in body for place in (world["heping"], world["huli"]) for marker in place.markers)
