"""How the tenant walk (``tests/api/test_tenant_isolation.py``) calls each context's routes.

Each module here that a context adds defines some of:

- ``prepare(tenant)``: create that context's objects on ``tenant`` (attributes of it);
- ``OBJECT_PARAMS``: {path parameter: function(tenant) -> public id};
- ``OBJECT_IDS``: function(tenant) -> public ids that must never leak to the other tenant;
- ``BODIES`` / ``QUERIES``: {(method, path): function(tenant) -> body or query dict};
- ``NOT_FOUND_CODES``: error codes a route answers for another tenant's object;
- ``SNAPSHOT``: function(platform) -> {name: rows} of this context's rows of the platform.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def walk_modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]
