"""Error codes of payments and the ledger."""

from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class UnbalancedEntry(InvalidInput):
    code = "payments.unbalanced_entry"


class InvalidAmount(InvalidInput):
    code = "payments.invalid_amount"


class PaymentFailed(Conflict):
    """The payment gateway refused or failed an operation; nothing was posted to the ledger."""

    code = "payments.gateway_failed"


class NotEnoughInEscrow(Conflict):
    code = "payments.not_enough_in_escrow"


class RefundRefused(Conflict):
    code = "payments.refund_refused"


class NoDepositHeld(Conflict):
    code = "payments.no_deposit_held"


class DepositNotFound(NotFound):
    code = "payments.deposit_not_found"


class CommissionRuleNotFound(NotFound):
    code = "payments.commission_rule_not_found"


class InvalidCommissionRule(InvalidInput):
    code = "payments.invalid_commission_rule"


class NotOperator(Forbidden):
    code = "payments.not_operator"
