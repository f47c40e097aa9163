"""The payment gateway interface and the offline gateway used by the demo and the tests.

The gateway in use is named by the setting ``SHARECITY_PAYMENT_GATEWAY`` (a dotted path to a
class); without it the :class:`OfflineGateway` is used. Every operation carries the
``reference`` of the ledger entry it belongs to, so a gateway can refuse a duplicate.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sharecity.market.payments.errors import PaymentFailed

DEFAULT_GATEWAY = "sharecity.market.payments.gateway.OfflineGateway"


@dataclass(frozen=True)
class GatewayResult:
    """What the gateway answered: its own reference for the operation and the amount it moved."""

    reference: str
    amount_fen: int
    operation: str


class PaymentGateway(ABC):
    """Pay-in, refund and payout through a payment provider. Each method raises
    :class:`~sharecity.market.payments.errors.PaymentFailed` when the money did not move."""

    @abstractmethod
    def charge(self, *, reference: str, amount_fen: int, payer: str) -> GatewayResult: ...

    @abstractmethod
    def refund(self, *, reference: str, amount_fen: int, payee: str) -> GatewayResult: ...

    @abstractmethod
    def payout(self, *, reference: str, amount_fen: int, payee: str) -> GatewayResult: ...


class OfflineGateway(PaymentGateway):
    """A gateway that moves no real money: it answers at once with a reference derived from the
    request (the same request gets the same reference). Tell it to fail with :meth:`fail_for`:
    every operation whose reference contains one of the given tokens (an order reference, a
    provider's id) is refused, so the failure paths can be exercised."""

    failing: ClassVar[set[str]] = set()

    @classmethod
    def fail_for(cls, token: str) -> None:
        cls.failing.add(str(token))

    @classmethod
    def reset(cls) -> None:
        cls.failing.clear()

    def _answer(self, operation: str, reference: str, amount_fen: int) -> GatewayResult:
        if any(token in reference for token in self.failing):
            raise PaymentFailed(
                _("The payment service refused the %(operation)s; no money moved. Try again later.")
                % {"operation": operation}, field="amount_fen")
        digest = hashlib.sha256(f"{operation}|{reference}|{amount_fen}".encode()).hexdigest()[:20]
        return GatewayResult(reference=f"offline-{operation}-{digest}", amount_fen=amount_fen, operation=operation)

    def charge(self, *, reference: str, amount_fen: int, payer: str) -> GatewayResult:
        return self._answer("charge", reference, amount_fen)

    def refund(self, *, reference: str, amount_fen: int, payee: str) -> GatewayResult:
        return self._answer("refund", reference, amount_fen)

    def payout(self, *, reference: str, amount_fen: int, payee: str) -> GatewayResult:
        return self._answer("payout", reference, amount_fen)


def gateway_get() -> PaymentGateway:
    """The configured gateway (``SHARECITY_PAYMENT_GATEWAY``), the offline one by default."""
    return import_string(getattr(settings, "SHARECITY_PAYMENT_GATEWAY", DEFAULT_GATEWAY) or DEFAULT_GATEWAY)()
