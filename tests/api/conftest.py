from tests.market.helpers import customer, platform, provider, space  # noqa: F401
