from __future__ import annotations

import pytest

from sharecity.kernel.crypto import decrypt_text
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.ids import resident_id_with_check_digit
from sharecity.market.accounts.errors import IdentityLocked, VerificationRefused
from sharecity.market.accounts.models import ProviderProfile, VerificationReview
from sharecity.market.accounts.services import IDENTITY_CONTEXT, provider_verify
from sharecity.market.accounts.verification import OfflineVerifier
from tests import factories
from tests.market.helpers import new_facts, nothing_written

pytestmark = pytest.mark.django_db


def verify(platform, user, number, *, kind="person", name="陈小明", verifier=None):
    return provider_verify(actor=user, user=user, kind=kind, legal_name=name, id_number=number, platform=platform,
                           verifier=verifier)


def row_text(profile) -> str:
    return " ".join(str(value) for value in ProviderProfile.objects.filter(pk=profile.pk).values().get().values())


def test_a_person_is_verified_and_the_number_is_kept_only_encrypted(platform, customer):
    number = factories.resident_id()
    with new_facts("subject.verified", actions=("provider.verify",)) as facts:
        profile = verify(platform, customer, number)
    assert number not in row_text(profile)
    assert decrypt_text(profile.identity_encrypted, context=IDENTITY_CONTEXT) == number
    assert profile.identity_masked == number[:4] + "**********" + number[-4:]
    assert str(profile) == f"陈小明 ({profile.identity_masked})"
    # Neither the fact for the hub nor the audit trail carries the number.
    assert number not in str(facts["outbox"][0].payload)
    assert number not in str(facts["audit"][0].data)
    assert facts["audit"][0].data["masked"] == profile.identity_masked


def test_a_lower_case_x_is_the_same_number(platform, customer):
    number = next(n for n in (factories.resident_id() for _ in range(50)) if n.endswith("X"))
    profile = verify(platform, customer, number.lower())
    assert decrypt_text(profile.identity_encrypted, context=IDENTITY_CONTEXT) == number
    assert isinstance(verify(platform, factories.make_user(), number), VerificationReview)


@pytest.mark.parametrize(("mutate", "rule"), [
    (lambda n: n[:-1] + ("0" if n[-1] != "0" else "1"), "check digit"),
    (lambda n: n[:17], "18 characters"),
    (lambda n: resident_id_with_check_digit(n[:6] + "19801301" + n[14:17]), "birth date"),
])
@pytest.mark.usefixtures("in_english")
def test_a_bad_resident_id_is_refused_naming_the_gb_11643_rule(platform, customer, mutate, rule):
    with nothing_written(), pytest.raises(InvalidInput) as caught:
        verify(platform, customer, mutate(factories.resident_id()))
    assert caught.value.field == "id_number"
    assert caught.value.code == "identity.invalid_resident_id"
    assert "GB 11643" in str(caught.value.message)
    assert rule in str(caught.value.message)
    assert not ProviderProfile.objects.exists()


def test_a_business_is_verified_by_its_credit_code(platform, customer):
    code = factories.credit_code()
    profile = verify(platform, customer, code, kind="business", name="厦门某某停车管理有限公司")
    assert profile.kind == "business"
    assert profile.identity_masked == code[:4] + "**********" + code[-4:]
    with pytest.raises(InvalidInput) as caught:
        # GB 11643-1999's own example number: a random resident ID passes GB 32100's check one time in 31.
        verify(platform, factories.make_user(), "11010519491231002X", kind="business")
    assert "GB 32100" in str(caught.value.message)


def test_kind_and_legal_name_are_required(platform, customer):
    with pytest.raises(InvalidInput) as caught:
        verify(platform, customer, factories.resident_id(), kind="robot")
    assert caught.value.field == "kind"
    with pytest.raises(InvalidInput) as caught:
        verify(platform, customer, factories.resident_id(), name="  ")
    assert caught.value.field == "legal_name"


def test_one_number_verifies_one_account_and_a_second_claim_goes_to_review(platform, customer):
    number = factories.resident_id()
    verify(platform, customer, number)
    other = factories.make_user()
    with new_facts("identity.review_requested", actions=("provider.verify_review",)) as facts:
        review = verify(platform, other, number)
    assert isinstance(review, VerificationReview)
    assert review.reason == "identity_in_use"
    assert not ProviderProfile.objects.filter(user=other).exists()
    # The hub learns of the claim under pseudonyms: the key the number has, never the number.
    payload = facts["outbox"][0].payload
    assert payload["claimed_key"] == ProviderProfile.objects.get(user=customer).party_key
    assert payload["reason"] == "identity_in_use"
    assert number not in str(payload) and number not in str(facts["audit"][0].data)
    stored = VerificationReview.objects.filter(pk=review.pk).values().get()
    assert number not in " ".join(str(value) for value in stored.values())
    # On another platform too: verification belongs to the person, not the platform.
    assert isinstance(verify(factories.make_platform(), other, number), VerificationReview)
    # The holder may verify again.
    assert verify(platform, customer, number).user == customer


def test_a_platform_key_cannot_change_a_verified_identity(platform, customer):
    number = factories.resident_id()
    profile = verify(platform, customer, number)
    before = ProviderProfile.objects.filter(pk=profile.pk).values().get()
    elsewhere = factories.make_platform()
    with nothing_written(), pytest.raises(IdentityLocked) as caught:
        provider_verify(actor=customer, user=customer, kind="person", legal_name="冒名者",
                        id_number=factories.resident_id(), platform=elsewhere, by_platform_key=True)
    assert caught.value.code == "identity.session_required"
    assert caught.value.http_status == 403
    assert caught.value.field == "X-Acting-User"
    assert ProviderProfile.objects.filter(pk=profile.pk).values().get() == before
    assert decrypt_text(ProviderProfile.objects.get(user=customer).identity_encrypted,
                        context=IDENTITY_CONTEXT) == number
    # A person not verified yet may be verified through the key.
    other = factories.make_user()
    assert provider_verify(actor=other, user=other, kind="person", legal_name="李四", id_number=factories.resident_id(),
                           platform=platform, by_platform_key=True).user == other


def _with_check_digit(first17: str) -> str:
    return resident_id_with_check_digit(first17)


def test_a_district_younger_than_the_birth_date_goes_to_review_not_refusal(platform, customer):
    # 350213 翔安区 was created in 2003; a person born in 1990 carries its code when registered there.
    number = _with_check_digit("35021319900307123")
    with new_facts("identity.review_requested") as facts:
        review = verify(platform, customer, number)
    assert isinstance(review, VerificationReview)
    assert review.reason == "area_code_after_birth_date"
    assert facts["outbox"][0].payload["reason"] == "area_code_after_birth_date"
    assert not ProviderProfile.objects.filter(user=customer).exists()
    # Born after the district existed: verified at once.
    assert isinstance(verify(platform, factories.make_user(), _with_check_digit("35021320050307123")), ProviderProfile)


@pytest.mark.parametrize(("number", "rule"), [
    (_with_check_digit("35021319900307123")[:-1] + "0", "check digit"),   # wrong check digit
    (_with_check_digit("35021319900230123"), "birth date"),               # 30 February
    (_with_check_digit("35021319901301123"), "birth date"),               # month 13
    (_with_check_digit("35020020990101123"), "future"),                   # born in 2099
    (_with_check_digit("99999919900101123"), "region code"),              # no such district, ever
])
@pytest.mark.usefixtures("in_english")
def test_numbers_wrong_by_the_standard_are_still_refused(platform, customer, number, rule):
    if number.endswith("0") and rule == "check digit" and _with_check_digit(number[:17]) == number:
        number = number[:17] + "1"
    with nothing_written(), pytest.raises(InvalidInput) as caught:
        verify(platform, customer, number)
    assert caught.value.code == "identity.invalid_resident_id"
    assert rule in str(caught.value.message)
    assert not VerificationReview.objects.exists()


def test_the_offline_verifier_refuses_numbers_on_its_list(platform, customer):
    refused = factories.resident_id()
    verifier = OfflineVerifier(frozenset({refused}))
    with nothing_written(), pytest.raises(VerificationRefused) as caught:
        verify(platform, customer, refused, verifier=verifier)
    assert caught.value.field == "id_number"
    assert caught.value.code == "identity.refused"
    assert "does not confirm" in str(caught.value.message)
    assert not ProviderProfile.objects.exists()
    profile = verify(platform, customer, factories.resident_id(), verifier=verifier)
    assert profile.verifier == "offline"
    assert profile.verification_reference.startswith("offline-")


def test_the_hub_sees_a_verified_person_under_the_city_pseudonym_not_the_number(platform, customer):
    from sharecity.exchange.pseudonyms import party_key_for_identity
    from sharecity.kernel.models import OutboxMessage
    from sharecity.market.accounts.selectors import party_key

    number = factories.resident_id()
    verify(platform, customer, number)
    reported = OutboxMessage.objects.filter(message_type="subject.verified").latest("id").payload["subject_key"]
    # Any other platform of the city computes the same key from the same number.
    assert reported == party_key_for_identity(number) == party_key(customer)
    assert number not in reported and number[-6:] not in reported
