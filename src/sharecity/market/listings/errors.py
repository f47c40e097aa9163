from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class ListingNotFound(NotFound):
    code = "listing.not_found"


class InvalidListing(InvalidInput):
    code = "listing.invalid"


class CategoryNotEnabled(InvalidInput):
    code = "listing.category_not_enabled"


class NotYourListing(Forbidden):
    code = "listing.not_yours"


class WrongState(Conflict):
    code = "listing.wrong_state"


class InvalidPhoto(InvalidInput):
    code = "listing.photo_invalid"


class PhotoNotFound(NotFound):
    code = "listing.photo_not_found"
