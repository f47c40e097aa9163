from tests.market.orders.conftest import bicycle, instrument  # noqa: F401
