from __future__ import annotations

import pytest

from sharecity.exchange.models import ProducerKey
from sharecity.kernel.errors import InvalidInput
from sharecity.kernel.models import User
from sharecity.market.platforms.errors import DuplicatePlatform
from sharecity.market.platforms.models import Platform
from sharecity.market.platforms.selectors import is_member
from sharecity.market.platforms.services import api_key_authenticate, api_key_issue, api_key_revoke, platform_create
from sharecity.sim.demo import demo_load
from tests import factories
from tests.market.helpers import new_facts

pytestmark = pytest.mark.django_db


def create(**changes):
    arguments = {"actor": None, "slug": "ludao-parking", "name": "鹭岛共享停车", "credit_code": factories.credit_code(),
                 "sectors": ["parking"]} | changes
    return platform_create(**arguments)


def test_a_platform_is_registered_with_a_signing_key_and_announced():
    code = factories.credit_code()
    with new_facts("platform.registered", actions=("platform.create",)) as facts:
        platform = create(credit_code=code)
    assert platform.credit_code == code
    payload = facts["outbox"][0].payload
    assert payload["credit_code"] == code
    assert payload["public_key"] == ProducerKey.objects.get(platform_id=platform.exchange_id).public_key
    assert facts["outbox"][0].platform_id == platform.exchange_id


@pytest.mark.parametrize(("code", "rule"), [
    ("91350200MA2XYZ12", "18 characters"),
    ("9135020000000000I1", "except I, O, Z, S and V"),
])
@pytest.mark.usefixtures("in_english")
def test_an_invalid_credit_code_is_refused_naming_the_gb_32100_rule(code, rule):
    with pytest.raises(InvalidInput) as caught:
        create(credit_code=code)
    assert caught.value.field == "credit_code"
    assert caught.value.code == "identity.invalid_credit_code"
    assert "GB 32100" in str(caught.value.message)
    assert rule in str(caught.value.message)
    assert not Platform.objects.exists()


@pytest.mark.usefixtures("in_english")
def test_a_wrong_check_character_is_refused():
    good = factories.credit_code()
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    with pytest.raises(InvalidInput) as caught:
        create(credit_code=bad)
    assert caught.value.field == "credit_code"
    assert "check character" in str(caught.value.message)


def test_a_lower_case_code_is_accepted_as_its_canonical_form():
    code = factories.credit_code()
    assert create(credit_code=code.lower()).credit_code == code


@pytest.mark.parametrize(("changes", "field"), [({"name": "  "}, "name"), ({"sectors": []}, "sectors"),
                                                ({"sectors": ["parking", "casino"]}, "sectors")])
def test_a_name_and_known_sectors_are_required(changes, field):
    with pytest.raises(InvalidInput) as caught:
        create(**changes)
    assert caught.value.field == field


def test_duplicates_are_refused_naming_what_is_taken():
    code = factories.credit_code()
    create(credit_code=code)
    with new_facts():
        with pytest.raises(DuplicatePlatform) as caught:
            create(credit_code=factories.credit_code())
        assert caught.value.field == "slug"
        assert caught.value.http_status == 409
        with pytest.raises(DuplicatePlatform) as caught:
            create(slug="another", credit_code=code)
        assert caught.value.field == "credit_code"
    assert Platform.objects.count() == 1


def test_an_api_key_authenticates_its_platform_until_revoked():
    platform = factories.make_platform()
    other = factories.make_platform()
    with new_facts(actions=("platform.api_key_issue",)):
        key, raw = api_key_issue(actor=None, platform=platform, label="ERP")
    assert raw not in str(list(type(key).objects.filter(pk=key.pk).values()))  # only a hash is kept
    assert api_key_authenticate(raw=raw) == platform
    assert api_key_authenticate(raw=factories.api_key(other)) == other
    assert api_key_authenticate(raw=raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert api_key_authenticate(raw="") is None
    assert api_key_authenticate(raw="not-a-key") is None
    api_key_revoke(actor=None, key=key)
    assert api_key_authenticate(raw=raw) is None


def test_a_key_of_a_deactivated_platform_opens_nothing():
    platform = factories.make_platform()
    raw = factories.api_key(platform)
    Platform.objects.filter(pk=platform.pk).update(is_active=False)
    assert api_key_authenticate(raw=raw) is None


def test_the_demo_people_may_be_acted_for_by_their_platforms_keys():
    demo_load()
    consumer = User.objects.get(username="consumer")
    ludao = Platform.objects.get(slug="ludao-share")
    assert is_member(platform=ludao, user=consumer)
    tianjin = Platform.objects.get(slug="jinmen-parking")
    assert not is_member(platform=tianjin, user=consumer)  # never used it
