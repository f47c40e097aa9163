from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class NoticeNotFound(NotFound):
    code = "notice.not_found"


class InvalidNotice(InvalidInput):
    code = "notice.invalid"


class InvalidEvidence(InvalidInput):
    code = "notice.invalid_evidence"


class NotOperator(Forbidden):
    code = "notice.not_operator"


class NotProvider(Forbidden):
    code = "notice.not_provider"


class WrongStep(Conflict):
    code = "notice.wrong_step"


class PeriodOver(Conflict):
    code = "notice.period_over"
