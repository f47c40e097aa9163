import uuid

import pytest

from sharecity.market.listings.errors import ListingNotFound
from sharecity.market.listings.models import ListingStatus
from sharecity.market.listings.selectors import listing_get, listings_of_provider
from tests import factories
from tests.market.engine_factories import make_listing

pytestmark = pytest.mark.django_db


def test_listing_get_finds_the_platforms_listing_by_public_id(platform, provider):
    listing = make_listing(platform, provider)
    assert listing_get(platform=platform, public_id=listing.public_id) == listing
    assert listing_get(platform=platform, public_id=str(listing.public_id)) == listing


@pytest.mark.parametrize("public_id", [uuid.uuid4(), "not-a-uuid", ""])
def test_listing_get_unknown_id(platform, public_id):
    with pytest.raises(ListingNotFound) as caught:
        listing_get(platform=platform, public_id=public_id)
    assert (caught.value.code, caught.value.field) == ("listing.not_found", "listing")


def test_listing_get_another_platforms_listing_is_not_found(platform, provider):
    listing = make_listing(platform, provider)
    with pytest.raises(ListingNotFound):
        listing_get(platform=factories.make_platform(), public_id=listing.public_id)


def test_listings_of_provider(platform, provider):
    draft = make_listing(platform, provider, title="草稿", status=ListingStatus.DRAFT)
    live = make_listing(platform, provider, title="上架")
    make_listing(platform, factories.make_provider(platform), title="别人的")
    other = factories.make_platform()
    make_listing(other, provider, title="别的平台")
    assert list(listings_of_provider(platform=platform, provider=provider)) == [live, draft]
    assert list(listings_of_provider(platform=platform, provider=provider, statuses=[ListingStatus.DRAFT])) == [draft]
