import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Rules are asserted by their English wording; the Chinese catalogue is checked separately."""
    with translation.override("en"):
        yield
