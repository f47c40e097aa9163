"""One error hierarchy for the whole system.

Every error carries a stable machine ``code``, a human ``message`` (translatable) and,
when one input is at fault, the ``field`` it concerns. The API renders them as
``{"code": ..., "message": ..., "field": ...}`` with the class's HTTP status.
"""

from __future__ import annotations

from typing import Any


class ShareCityError(Exception):
    code: str = "error"
    http_status: int = 400

    def __init__(self, message: Any, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": str(self.message), "field": self.field}


class InvalidInput(ShareCityError):
    code = "invalid"
    http_status = 400


class NotAuthenticated(ShareCityError):
    code = "not_authenticated"
    http_status = 401


class Forbidden(ShareCityError):
    code = "forbidden"
    http_status = 403


class NotFound(ShareCityError):
    code = "not_found"
    http_status = 404


class Conflict(ShareCityError):
    code = "conflict"
    http_status = 409
