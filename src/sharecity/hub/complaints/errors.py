from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class ComplaintNotFound(NotFound):
    code = "tpc.not_found"


class NotAssociationStaff(Forbidden):
    code = "tpc.association_only"


class InvalidComplaint(InvalidInput):
    code = "tpc.invalid"


class InvalidEvidence(InvalidInput):
    code = "tpc.invalid_evidence"


class WrongStatus(Conflict):
    code = "tpc.wrong_status"
