from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class ComplaintNotFound(NotFound):
    code = "complaint.not_found"


class NotAParty(Forbidden):
    code = "complaint.not_a_party"


class NotComplainant(Forbidden):
    code = "complaint.not_complainant"


class NotOperator(Forbidden):
    code = "complaint.not_operator"


class InvalidComplaint(InvalidInput):
    code = "complaint.invalid"


class InvalidEvidence(InvalidInput):
    code = "complaint.invalid_evidence"


class WrongStatus(Conflict):
    code = "complaint.wrong_status"


class NotEscalable(Conflict):
    code = "complaint.not_escalable"
