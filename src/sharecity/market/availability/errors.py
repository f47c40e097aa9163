"""Error codes of the availability context."""

from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class PlanNotFound(NotFound):
    code = "availability.not_found"


class NotAllowed(Forbidden):
    code = "availability.not_allowed"


class InvalidTimes(InvalidInput):
    code = "availability.invalid_times"


class InvalidQuantity(InvalidInput):
    code = "availability.invalid_quantity"


class InvalidPlan(InvalidInput):
    code = "availability.invalid_plan"


class TooShort(InvalidInput):
    code = "availability.too_short"


class TooLong(InvalidInput):
    code = "availability.too_long"


class TooSoon(InvalidInput):
    code = "availability.too_soon"


class TooFarAhead(InvalidInput):
    code = "availability.too_far_ahead"


class UserLimit(Conflict):
    code = "availability.user_limit"


class Closed(Conflict):
    code = "availability.closed"


class OutsidePlan(Conflict):
    code = "availability.outside_plan"


class Unavailable(Conflict):
    code = "availability.unavailable"


class HoldExpired(Conflict):
    code = "availability.hold_expired"


class WrongStatus(Conflict):
    code = "availability.wrong_status"
