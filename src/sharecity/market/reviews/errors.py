from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class ReviewNotFound(NotFound):
    code = "review.not_found"


class NotAParty(Forbidden):
    code = "review.not_a_party"


class NotOperator(Forbidden):
    code = "review.not_operator"


class NotCompleted(Conflict):
    code = "review.order_not_completed"


class WindowClosed(Conflict):
    code = "review.window_closed"


class Duplicate(Conflict):
    code = "review.duplicate"


class NotPublished(Conflict):
    code = "review.not_published"


class AlreadyHidden(Conflict):
    code = "review.already_hidden"


class InvalidReview(InvalidInput):
    code = "review.invalid"
