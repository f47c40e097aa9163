from sharecity.kernel.errors import Forbidden, InvalidInput


class NotAParticipant(Forbidden):
    code = "message.not_a_participant"


class InvalidMessage(InvalidInput):
    code = "message.invalid"
