from sharecity.kernel.errors import Forbidden, InvalidInput, NotFound


class InvalidQualification(InvalidInput):
    code = "qualification.invalid"


class QualificationMissing(Forbidden):
    """The instrument's rules require a qualification the customer does not hold."""

    code = "qualification.missing"


class QualificationExpired(Forbidden):
    """The customer's qualification is not valid on every day of the booking."""

    code = "qualification.expired"


class NotTheOwner(Forbidden):
    code = "qualification.not_the_owner"


class HolderNotFound(NotFound):
    code = "qualification.holder_not_found"
