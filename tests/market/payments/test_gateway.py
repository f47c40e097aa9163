"""The gateway in use comes from a setting; the offline one answers deterministically and fails on demand."""

import pytest

from sharecity.market.payments.errors import PaymentFailed
from sharecity.market.payments.gateway import GatewayResult, OfflineGateway, PaymentGateway, gateway_get


class RecordingGateway(OfflineGateway):
    pass


def test_the_offline_gateway_is_the_default_and_deterministic():
    gateway = gateway_get()
    assert type(gateway) is OfflineGateway
    first = gateway.charge(reference="pay:1:payment:o-1", amount_fen=500, payer="7")
    assert first == gateway.charge(reference="pay:1:payment:o-1", amount_fen=500, payer="7")
    assert first != gateway.charge(reference="pay:1:payment:o-2", amount_fen=500, payer="7")
    assert isinstance(first, GatewayResult) and first.amount_fen == 500


def test_the_offline_gateway_fails_for_the_references_it_is_told():
    OfflineGateway.fail_for("o-9")
    with pytest.raises(PaymentFailed):
        gateway_get().refund(reference="pay:1:refund:o-9:1", amount_fen=1, payee="7")
    assert gateway_get().refund(reference="pay:1:refund:o-8:1", amount_fen=1, payee="7").reference


def test_a_setting_names_another_gateway(settings):
    settings.SHARECITY_PAYMENT_GATEWAY = f"{__name__}.RecordingGateway"
    assert isinstance(gateway_get(), RecordingGateway)
    assert issubclass(RecordingGateway, PaymentGateway)
