from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class OrderNotFound(NotFound):
    code = "order.not_found"


class TaskNotFound(NotFound):
    code = "order.task_not_found"


class BidNotFound(NotFound):
    code = "order.bid_not_found"


class UnknownProcess(InvalidInput):
    code = "order.unknown_process"


class UnknownTransition(InvalidInput):
    code = "order.unknown_transition"


class WrongState(Conflict):
    """The transition does not leave the order's current state."""

    code = "order.wrong_state"


class ActorNotAllowed(Forbidden):
    """The transition exists but this side of the order may not take it."""

    code = "order.actor_not_allowed"


class GuardFailed(Conflict):
    """A rule of the transition (a guard) refused it; ``code`` is ``order.guard.<name>``."""

    code = "order.guard"


class NotAParty(Forbidden):
    code = "order.not_a_party"


class InvalidOrder(InvalidInput):
    code = "order.invalid"


class OwnListing(Forbidden):
    code = "order.own_listing"


class ListingNotOrderable(Conflict):
    code = "order.listing_not_orderable"


class NotVerified(Forbidden):
    code = "order.provider_not_verified"


class TaskClosed(Conflict):
    code = "order.task_closed"


class FollowUpRequired(InvalidInput):
    """《互联网诊疗管理办法（试行）》第十六条: online consultation only follows a diagnosis made offline."""

    code = "order.follow_up_required"
