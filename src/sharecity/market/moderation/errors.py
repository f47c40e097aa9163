from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class CaseNotFound(NotFound):
    code = "moderation.case_not_found"


class CaseDecided(Conflict):
    code = "moderation.case_decided"


class NotModerator(Forbidden):
    code = "moderation.not_moderator"


class ReasonRequired(InvalidInput):
    code = "moderation.reason_required"


class InvalidDecision(InvalidInput):
    code = "moderation.invalid_decision"
