from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput


class VerificationRefused(InvalidInput):
    code = "identity.refused"


class IdentityInUse(Conflict):
    code = "identity.in_use"


class NotVerifiedProvider(Forbidden):
    code = "provider.not_verified"
