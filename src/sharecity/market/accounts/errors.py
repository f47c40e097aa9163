from sharecity.kernel.errors import Forbidden, InvalidInput


class VerificationRefused(InvalidInput):
    code = "identity.refused"


class IdentityLocked(Forbidden):
    code = "identity.session_required"


class NotVerifiedProvider(Forbidden):
    code = "provider.not_verified"


class CreditListed(Forbidden):
    code = "credit.listed"


class IdentityRecheckDue(Forbidden):
    """The provider's verification is past its re-check date in this vertical (``accounts.recheck``)."""

    code = "provider.identity_recheck_due"
