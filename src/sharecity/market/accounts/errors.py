from sharecity.kernel.errors import Forbidden, InvalidInput


class VerificationRefused(InvalidInput):
    code = "identity.refused"


class IdentityLocked(Forbidden):
    code = "identity.session_required"


class NotVerifiedProvider(Forbidden):
    code = "provider.not_verified"


class CreditListed(Forbidden):
    code = "credit.listed"
