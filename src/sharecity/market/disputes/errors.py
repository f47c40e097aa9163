from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class DisputeNotFound(NotFound):
    code = "dispute.not_found"


class NotAParty(Forbidden):
    code = "dispute.not_a_party"


class NotOperator(Forbidden):
    code = "dispute.not_operator"


class InvalidDispute(InvalidInput):
    code = "dispute.invalid"


class AlreadyOpen(Conflict):
    code = "dispute.already_open"


class AlreadyDecided(Conflict):
    code = "dispute.already_decided"
