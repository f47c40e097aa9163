"""Credit-list changes from the city, applied by the platform: a subject on the serious-dishonesty
list is not onboarded as a provider and cannot publish listings, and the refusal says why; red and
watch lists restrict nothing; a removal or the end of the period lifts the restriction."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from sharecity.exchange.envelope import GENESIS_HASH, Envelope, envelope_seal, keypair_generate
from sharecity.exchange.pseudonyms import party_key_for_identity
from sharecity.exchange.schemas import payload_build
from sharecity.kernel.models import AuditEvent
from sharecity.market.accounts.errors import CreditListed
from sharecity.market.accounts.models import CreditListChange, ProviderProfile
from sharecity.market.accounts.selectors import party_key
from sharecity.market.accounts.services import provider_verify
from sharecity.market.directives.services import directives_receive
from sharecity.market.listings.models import ListingStatus
from sharecity.market.listings.services import listing_submit
from sharecity.market.parking.models import ParkingSpace
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

PRIVATE_KEY, _PUBLIC = keypair_generate()
BASIS = "《关于对失信被执行人实施联合惩戒的合作备忘录》"
DEPARTMENT = "厦门市发展和改革委员会"
DAY = dt.timedelta(days=1)


def credit_change(platform, subject_key: str, *, credit_list: str = "black", action: str = "added",
                  effective_at: dt.datetime | None = None, expires_at: dt.datetime | None = None) -> Envelope:
    now = timezone.now()
    payload = payload_build(
        "credit_list.changed", issued_by=DEPARTMENT, legal_reference=BASIS, issued_at=now, deadline=now + 3 * DAY,
        subject_key=subject_key, subject_kind="person", credit_list=credit_list, action=action,
        reason="拒不履行生效判决", effective_at=effective_at or now - dt.timedelta(minutes=1), expires_at=expires_at,
        measures=["不得新入驻为服务提供者"],
    )
    return envelope_seal(private_key=PRIVATE_KEY, message_id=str(uuid.uuid4()), platform_id=platform.exchange_id,
                         type="credit_list.changed", schema_version=1, sequence=1, sent_at=now.isoformat(),
                         payload=payload, prev_hash=GENESIS_HASH)


def verify(platform, user, number):
    return provider_verify(actor=user, user=user, kind="person", legal_name="张三", id_number=number,
                           platform=platform)


def submit_draft(platform, provider):
    listing = make_listing(platform, provider, status=ListingStatus.DRAFT)
    return listing_submit(actor=provider, listing=listing)


def test_a_black_listed_person_is_not_onboarded_and_told_why(platform):
    number = factories.resident_id()
    user = factories.make_user(platform=platform)
    envelope = credit_change(platform, party_key_for_identity(number), expires_at=timezone.now() + 365 * DAY)
    directives_receive([envelope])
    assert directives_receive([envelope]) == []  # delivered again: kept once
    assert CreditListChange.objects.count() == 1
    assert AuditEvent.objects.filter(action="credit_list.apply").count() == 1
    with pytest.raises(CreditListed) as refused:
        verify(platform, user, number)
    assert refused.value.code == "credit.listed" and refused.value.http_status == 403
    message = str(refused.value.message)
    for said in ("serious-dishonesty list", DEPARTMENT, BASIS, "become a provider",
                 (timezone.localtime(timezone.now() + 365 * DAY)).strftime("%Y-%m-%d")):
        assert said in message
    assert not ProviderProfile.objects.filter(user=user).exists()


def test_a_black_listed_provider_cannot_publish_a_listing_or_a_space(platform):
    provider = factories.make_provider(platform)
    directives_receive([credit_change(platform, party_key(provider))])
    with pytest.raises(CreditListed) as refused:
        submit_draft(platform, provider)
    assert "publish listings" in str(refused.value.message) and "until it is lifted" in str(refused.value.message)
    with pytest.raises(CreditListed):
        factories.make_space(platform, provider)
    assert not ParkingSpace.objects.exists()


def test_a_removal_lifts_the_restriction_but_not_before_its_date(platform):
    provider = factories.make_provider(platform)
    directives_receive([credit_change(platform, party_key(provider), effective_at=timezone.now() - 10 * DAY)])
    directives_receive([credit_change(platform, party_key(provider), action="removed",
                                      effective_at=timezone.now() + DAY)])
    with pytest.raises(CreditListed):
        submit_draft(platform, provider)
    directives_receive([credit_change(platform, party_key(provider), action="removed")])
    assert submit_draft(platform, provider).status == ListingStatus.PUBLISHED
    assert factories.make_space(platform, provider).pk


def test_the_restriction_ends_by_itself_when_the_listing_expires(platform):
    number = factories.resident_id()
    user = factories.make_user(platform=platform)
    directives_receive([credit_change(platform, party_key_for_identity(number),
                                      effective_at=timezone.now() - 400 * DAY,
                                      expires_at=timezone.now() - DAY)])
    assert isinstance(verify(platform, user, number), ProviderProfile)
    assert submit_draft(platform, user).status == ListingStatus.PUBLISHED


@pytest.mark.parametrize("credit_list", ["red", "watch"])
def test_red_and_watch_lists_restrict_nothing(platform, credit_list):
    number = factories.resident_id()
    user = factories.make_user(platform=platform)
    directives_receive([credit_change(platform, party_key_for_identity(number), credit_list=credit_list)])
    assert isinstance(verify(platform, user, number), ProviderProfile)
    assert submit_draft(platform, user).status == ListingStatus.PUBLISHED


def test_a_list_sent_to_another_platform_does_not_bind_this_one(platform):
    number = factories.resident_id()
    elsewhere = factories.make_platform()
    directives_receive([credit_change(elsewhere, party_key_for_identity(number))])
    user = factories.make_user(platform=platform)
    assert isinstance(verify(platform, user, number), ProviderProfile)


def test_through_the_api_the_refusal_is_a_403_with_its_code_and_reasons(platform):
    import json

    from django.test import Client

    number = factories.resident_id()
    person = factories.make_user(platform=platform)
    directives_receive([credit_change(platform, party_key_for_identity(number))])
    response = Client().post(f"/api/v1/p/{platform.slug}/verification",
                             json.dumps({"kind": "person", "legal_name": "张三", "id_number": number}),
                             content_type="application/json",
                             headers={"X-API-Key": factories.api_key(platform), "X-Acting-User": str(person.public_id),
                                      "Accept-Language": "zh-hans"})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "credit.listed"
    assert "严重失信主体名单" in body["message"] and DEPARTMENT in body["message"] and BASIS in body["message"]


def test_a_listed_provider_keeps_editing_a_live_listing_but_cannot_resume_a_paused_one(platform):
    from sharecity.market.listings.services import listing_reinstate, listing_suspend, listing_update

    provider = factories.make_provider(platform)
    live = make_listing(platform, provider,
                        attributes={"instrument_type": "sem", "model": "JSM-7800F", "institution": "厦门大学"})
    paused = listing_suspend(actor=provider, listing=make_listing(platform, provider), reason="休息")
    directives_receive([credit_change(platform, party_key(provider))])
    assert listing_update(actor=provider, listing=live, description="新增能谱附件").status == ListingStatus.PUBLISHED
    with pytest.raises(CreditListed):
        listing_reinstate(actor=provider, listing=paused)
    paused.refresh_from_db()
    assert paused.status == ListingStatus.SUSPENDED
