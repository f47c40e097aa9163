"""Text the API refuses at its boundary, whatever the endpoint: control characters.

A NUL cannot be stored in a PostgreSQL text column, a lone surrogate cannot be encoded as
UTF-8 by any backend, and the other control characters only ever arrive by mistake or by
attack (they hide text, split log lines, confuse terminals). So every string a client sends
(each JSON string and key of a body, each query and form parameter, the URL path and every
header) is checked once, here, before authentication and before any view: a request that
carries one gets 400 ``input.control_character`` naming the field (as a JSON path: ``windows.0.start``).

Refused: C0 (U+0000-U+001F) except tab, line feed and carriage return inside a JSON body,
where multi-line text may hold them; DEL and C1 (U+007F-U+009F); lone surrogates
(U+D800-U+DFFF); and the line and paragraph separators U+2028/U+2029, which no one types and
which break single-line displays and JavaScript string literals.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.parser import Parser

from sharecity.kernel.errors import InvalidInput

_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029"
_IN_TEXT = re.compile(f"[{_REFUSED}]")
_IN_LINE = re.compile(f"[{_REFUSED}\t\n\r]")
_IN_HEADER = re.compile(f"[{_REFUSED}\n\r]")  # RFC 9110 §5.5 lets a field value hold a tab


class ControlCharacter(InvalidInput):
    code = "input.control_character"


def _refuse(field: str, character: str) -> ControlCharacter:
    return ControlCharacter(
        _("%(field)s contains the control character U+%(code)04X, which is not allowed in text.")
        % {"field": field, "code": ord(character)},
        field=field,
    )


def check_line(value: str, *, field: str, pattern: re.Pattern = _IN_LINE) -> None:
    """Refuse a one-line value (parameter, path) holding a control character, tab or line break."""
    found = pattern.search(value)
    if found:
        raise _refuse(field, found.group())


def check_document(data: Any, *, path: tuple[str, ...] = ()) -> None:
    """Walk decoded JSON; refuse the first string or key holding a control character."""
    if isinstance(data, str):
        found = _IN_TEXT.search(data)
        if found:
            raise _refuse(".".join(path) or "body", found.group())
    elif isinstance(data, dict):
        for key, value in data.items():
            check_line(str(key), field=".".join((*path, str(key))))
            check_document(value, path=(*path, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            check_document(value, path=(*path, str(index)))


class TextParser(Parser):
    """ninja's JSON parser, refusing control characters in the body, the query and forms.

    ninja turns an error raised while parsing a body into ``HttpError(400)`` with this error as
    its cause; the API's handler renders the cause (``sharecity.api``)."""

    def parse_body(self, request: HttpRequest):
        data = json.loads(request.body)
        check_document(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            check_line(key, field=key)
            for value in values:
                if isinstance(value, str):
                    check_line(value, field=key)
        return super().parse_querydict(data, list_fields, request)


# Header names as the API documents them (Django title-cases what it receives).
_HEADER_NAMES = {name.lower(): name for name in ("X-API-Key", "X-Acting-User", "X-Exchange-Key", "X-CSRFToken")}


def _check_request(request: HttpRequest, path_params: dict[str, Any]) -> None:
    for name, value in path_params.items():
        check_line(str(value), field=name)
    check_line(request.path, field="path")
    for name, value in request.headers.items():
        check_line(value, field=_HEADER_NAMES.get(name.lower(), name), pattern=_IN_HEADER)


class TextCheckingNinjaAPI(NinjaAPI):
    """A NinjaAPI whose every route checks the URL path, its parameters and the headers before
    authentication (which reads headers, and may look a key up in the database) and whose
    parser checks bodies, queries and forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parser", TextParser())
        super().__init__(*args, **kwargs)

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if callback is not None:
                pattern.callback = self._guarded(callback)
        return urls

    def _guarded(self, view):
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any):
            try:
                _check_request(request, kwargs)
            except InvalidInput as error:
                return self.create_response(request, error.as_dict(), status=error.http_status)
            return view(request, *args, **kwargs)

        return guarded
