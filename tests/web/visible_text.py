"""What a Chinese reader would see on a page that the catalogue did not translate.

``page_problems(html)`` reads a page's visible text (and its title, placeholders, labels for screen
readers and button values) and names each string that gives away a missing translation or a raw value:

- ``english``: a run of English words (brand names, units and codes in ``ALLOWED`` aside);
- ``enum``: a raw choice value of a model field (``small``, ``entire``) shown as it is stored;
- ``key``: a snake_case attribute key (``max_load_kg``);
- ``model``: Django's default object name (``Listing object (3)``);
- ``title``: a page title that holds HTML (a tag or an escaped tag);
- ``utc``: a timestamp in ISO form (``2026-12-07T03:00:00Z``, ``... +00:00``) instead of a local date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Shown as they are on Chinese pages: names of languages, brands, standards, units, file formats, codes.
ALLOWED = frozenset(
    word.lower()
    for word in """
    English ShareCity ECharts HTMX Django OpenAPI API APIs JSON CSV XLSX PDF URL URLs HTTP HTTPS ID IDs
    ODR TPC SHA Excel JPEG PNG WebP GIF MB KB GB SHA-256 Ed25519 UUID GB GB/T ISO CKAN SLA VAT QR OK
    km m kg cm mm h min kWh m² ㎡ ¥ CNY RMB
    """.split()
)
# Words shorter than this are units, codes or initials (m, kg, ID, A4) more often than English.
MIN_WORD = 3

# A token of Latin script; one holding a digit, a slash, a dot, an at sign or an underscore is a code,
# an address or an identifier (id-c****bs, /opendata/, 9bbd2a22-..., v1.2), not a word.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’./@_*:-]*")
CODE_MARK = re.compile(r"[0-9/@_*]|\.\w|:\w")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
MODEL_NAME = re.compile(r"\b[A-Z]\w* object \(\d+\)")
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}|\s*UTC)")
HTML_IN_TITLE = re.compile(r"<[a-zA-Z/!]|&lt;|&gt;")
SKIPPED = {"script", "style", "template", "noscript", "code", "pre", "textarea", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")


@dataclass(frozen=True)
class Problem:
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r}"


class _Reader(HTMLParser):
    """Collects text nodes a reader sees (not scripts, not code samples, not elements marked
    ``translate="no"`` such as user content or codes) and the page's title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.title: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self._in_title = False

    @property
    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self._stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        hidden = tag in SKIPPED or values.get("translate") == "no" or "hidden" in values
        if tag == "title":
            self._in_title = True
        if not self._hidden and not hidden:
            for name in SHOWN_ATTRIBUTES:
                if values.get(name):
                    self.texts.append(values[name] or "")
            if tag == "input" and values.get("type") in {"submit", "button"}:
                self.texts.append(values.get("value") or "")
        if tag not in VOID:
            self._stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._hidden and data.strip():
            self.texts.append(data)


def visible_texts(html: str) -> tuple[list[str], str]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return [" ".join(text.split()) for text in reader.texts], "".join(reader.title)


def _english_run(text: str) -> str | None:
    """The first English word in ``text`` that is neither allowed nor short."""
    for match in TOKEN.finditer(text):
        word = match.group(0).rstrip(".:'’-")
        if CODE_MARK.search(word) or len(word) < MIN_WORD or word.lower() in ALLOWED:
            continue
        if word.isupper():  # an acronym or a code (GPS, PRICE-TAGGING)
            continue
        return word
    return None


def page_problems(html: str, *, enum_values: frozenset[str] = frozenset()) -> list[Problem]:
    texts, title = visible_texts(html)
    problems: list[Problem] = []
    raw_title = re.search(r"<title[^>]*>(.*?)</title>", html, re.S | re.I)
    if raw_title and HTML_IN_TITLE.search(raw_title.group(1)):
        problems.append(Problem("title", " ".join(raw_title.group(1).split())))
    for text in [*texts, title]:
        if not text:
            continue
        if ISO_TIME.search(text):
            problems.append(Problem("utc", text))
        if MODEL_NAME.search(text):
            problems.append(Problem("model", text))
        elif SNAKE.search(text):
            problems.append(Problem("key", text))
        elif text.strip().lower() in enum_values:
            problems.append(Problem("enum", text))
        elif _english_run(text):
            problems.append(Problem("english", text))
    return problems
