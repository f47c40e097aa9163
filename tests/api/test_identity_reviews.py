"""Real-name verification through a platform's key: no oracle for registered numbers, no
overwriting of a verified identity, and the hub's officers see the review queue under pseudonyms."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sharecity.exchange.relay import relay_pump
from sharecity.exchange.transports.local import LocalTransport
from sharecity.hub.identity.models import IdentityReview
from sharecity.hub.intake.services import intake_pump
from sharecity.hub.registry.services import regulator_profile_set
from sharecity.kernel.crypto import decrypt_text
from sharecity.kernel.ids import resident_id_with_check_digit
from sharecity.market.accounts.models import ProviderProfile
from sharecity.market.accounts.services import IDENTITY_CONTEXT
from sharecity.market.platforms.models import JoinedVia
from sharecity.market.platforms.services import platform_join
from tests import factories

pytestmark = pytest.mark.django_db


def verify(key, platform, person, number, name="王五"):
    return Client().post(f"/api/v1/p/{platform.slug}/verification",
                         json.dumps({"kind": "person", "legal_name": name, "id_number": number}),
                         content_type="application/json",
                         headers={"X-API-Key": key, "X-Acting-User": str(person.public_id)})


@pytest.fixture
def two_platforms():
    a, b = factories.make_platform(), factories.make_platform()
    return (a, factories.api_key(a)), (b, factories.api_key(b))


def shape(response) -> tuple[int, list[str], str]:
    body = response.json()
    return response.status_code, sorted(body), body["status"]


def test_a_number_in_use_answers_like_any_review_and_the_hub_sees_it(two_platforms):
    (a, key_a), (b, _key_b) = two_platforms
    holder = factories.make_provider(b)  # verified on B, through their own session
    holder_number = decrypt_text(ProviderProfile.objects.get(user=holder).identity_encrypted,
                                 context=IDENTITY_CONTEXT)
    prober = factories.make_user(platform=a)
    in_use = verify(key_a, a, prober, holder_number)
    young_district = verify(key_a, a, factories.make_user(platform=a),
                            resident_id_with_check_digit("35021319900307123"))
    # The same status and body for a number in use as for any other review: no oracle.
    assert shape(in_use) == shape(young_district) == (
        202, ["id_number_masked", "kind", "legal_name", "status", "verified_at"], "pending_review")
    assert "in_use" not in in_use.content.decode()
    assert holder_number not in in_use.content.decode()
    assert not ProviderProfile.objects.filter(user=prober).exists()

    transport = LocalTransport()
    relay_pump(transport=transport)
    intake_pump(transport=transport)
    queued = {review.reason: review for review in IdentityReview.objects.all()}
    assert set(queued) == {"identity_in_use", "area_code_after_birth_date"}
    collision = queued["identity_in_use"]
    assert collision.platform_id == a.exchange_id
    # The claim is linked to the holder's party key; the hub never holds the number.
    assert collision.claimed_key == ProviderProfile.objects.get(user=holder).party_key
    assert collision.subject_key.startswith("ac-")
    assert holder_number not in json.dumps(list(IdentityReview.objects.values()), default=str)

    officer = factories.make_user()
    regulator_profile_set(actor=None, user=officer, department="厦门市市场监督管理局")
    browser = Client()
    browser.force_login(officer)
    page = browser.get("/hub/identity/")
    assert page.status_code == 200
    assert collision.claimed_key in page.content.decode()
    listed = browser.get("/api/v1/hub/identity-reviews", {"reason": "identity_in_use"})
    assert listed.status_code == 200, listed.content
    assert [(r["claimed_key"], r["claims"]) for r in listed.json()] == [(collision.claimed_key, 1)]


def test_only_regulators_read_the_queue(two_platforms):
    (a, key_a), _b = two_platforms
    assert Client().get("/api/v1/hub/identity-reviews").status_code == 401
    assert Client().get("/api/v1/hub/identity-reviews", headers={"X-API-Key": key_a}).status_code == 401
    someone = factories.make_user(platform=a)
    browser = Client()
    browser.force_login(someone)
    refused = browser.get("/api/v1/hub/identity-reviews")
    assert refused.status_code == 403
    assert refused.json()["code"] == "hub.regulators_only"
    assert browser.get("/hub/identity/").status_code == 403


def test_a_platform_key_cannot_overwrite_a_verified_identity(two_platforms):
    (a, key_a), (b, _key_b) = two_platforms
    person = factories.make_provider(b)
    platform_join(platform=a, user=person, via=JoinedVia.SESSION)  # the person uses A as well
    before = ProviderProfile.objects.filter(user=person).values().get()
    response = verify(key_a, a, person, factories.resident_id(), name="冒名者")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "identity.session_required"
    assert response.json()["field"] == "X-Acting-User"
    assert ProviderProfile.objects.filter(user=person).values().get() == before
    # The person's own session may change it.
    browser = Client()
    browser.force_login(person)
    own = browser.post(f"/api/v1/p/{a.slug}/verification",
                       json.dumps({"kind": "person", "legal_name": "本人", "id_number": factories.resident_id()}),
                       content_type="application/json")
    assert own.status_code == 201, own.content
    assert own.json()["legal_name"] == "本人"
