"""Limits every part of ShareCity keeps to alike (no Django here: the exchange client imports it).

The exchange's payload models (``exchange.schemas``), its envelope checks (``exchange.envelope``)
and the database columns that store what a message carries (the hub's read models) take their
bounds from here, so a message the published JSON Schema allows always fits where it is stored.
``tests/exchange/test_limits_walk.py`` walks every schema and every column fed by a payload field
and fails when they disagree.
"""

from __future__ import annotations

from typing import Final

# The largest payload a fact may carry, as compact UTF-8 JSON. An envelope travels whole: with its
# other fields and the batch around it, this still fits NATS's 1 MiB message limit, which a larger
# one would exceed on every try, holding up the platform's later messages for ever. A report
# larger than this goes in parts (the tax report's ``part``/``parts``).
OUTBOX_PAYLOAD_MAX_BYTES: Final = 900_000

# --- integer ranges of the database columns (Django's, the same on SQLite and PostgreSQL) ---------

SMALLINT_MAX: Final = 32_767  # PositiveSmallIntegerField
INTEGER_MAX: Final = 2_147_483_647  # IntegerField, PositiveIntegerField
BIGINT_MAX: Final = 9_223_372_036_854_775_807  # BigIntegerField
# The largest integer every JSON implementation reads exactly (RFC 7493, I-JSON, section 2.2): a
# JavaScript or spreadsheet reader rounds anything larger, and a signature covers the exact text.
JSON_SAFE_INTEGER_MAX: Final = 2**53 - 1

# --- the envelope ----------------------------------------------------------------------------------

PLATFORM_ID_MAX_LENGTH: Final = 64
# Letters, digits and ``._:-``, starting with a letter or digit: a platform id names files, NATS
# subjects and URL paths, where anything else would need escaping or could name something else.
PLATFORM_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
MESSAGE_TYPE_MAX_LENGTH: Final = 80
MESSAGE_TYPE_PATTERN: Final = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
# A UUID as Python and most libraries write it: lower case, with hyphens (``ReceivedMessage.message_id``).
UUID_PATTERN: Final = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
UUID_LENGTH: Final = 36
SCHEMA_VERSION_MAX: Final = SMALLINT_MAX
SEQUENCE_MAX: Final = BIGINT_MAX

# --- text in payloads (characters, as PostgreSQL's varchar counts them) -------------------------------

IDENTIFIER_MAX_LENGTH: Final = 64  # the sender's id of an order, listing, review, complaint, case, ...
PARTY_KEY_MIN_LENGTH: Final = 8
PARTY_KEY_MAX_LENGTH: Final = 64
DISTRICT_CODE_LENGTH: Final = 6  # GB/T 2260
CREDIT_CODE_LENGTH: Final = 18  # GB 32100
SECTOR_CODE_MAX_LENGTH: Final = 40
CATEGORY_CODE_MAX_LENGTH: Final = 64  # the market's catalogue category code (a slug)
CODE_MAX_LENGTH: Final = 64  # a checklist item, a product identifier (GTIN or the like)
NAME_MAX_LENGTH: Final = 120  # a platform's or a department's name
TITLE_MAX_LENGTH: Final = 200  # a listing's title, a recalled product
MEASURE_MAX_LENGTH: Final = 200  # one joint incentive or restriction of a credit list
LEGAL_REFERENCE_MAX_LENGTH: Final = 500
SUMMARY_MAX_LENGTH: Final = 1000
TEXT_MAX_LENGTH: Final = 4000  # facts, descriptions, requests
# ``2025-10-09T18:00:00.123456+08:00`` is 32 characters; a date is 10.
DATETIME_TEXT_MAX_LENGTH: Final = 40
DATE_TEXT_MAX_LENGTH: Final = 10

# --- numbers in payloads --------------------------------------------------------------------------

# Default ceiling of a price or an amount, in fen (10^12 fen is ten billion yuan), refused above it
# naming the ceiling. A deployment sets its own with ``SHARECITY_EXCHANGE_MAX_AMOUNT_FEN`` (never
# above ``FEN_TOTAL_MAX``); the published schemas carry this default as their ``maximum``.
AMOUNT_FEN_CEILING: Final = 10**12
# A total over a quarter of a whole platform (the tax report's totals) may exceed one amount's
# ceiling; it still fits a bigint column many times over and every JSON reader reads it exactly.
FEN_TOTAL_MAX: Final = JSON_SAFE_INTEGER_MAX
COUNT_MAX: Final = INTEGER_MAX  # people, orders, minutes, parts: counted in integer columns

# --- lists in payloads ----------------------------------------------------------------------------

SECTORS_MAX_ITEMS: Final = 64
DISTRICTS_MAX_ITEMS: Final = 1000  # every county-level code of a province, with room
REFERENCES_MAX_ITEMS: Final = 1000  # ids of listings, orders, products or subjects a directive names
FINDINGS_MAX_ITEMS: Final = 200
MEASURES_MAX_ITEMS: Final = 50
TAX_REPORT_ROWS_MAX_ITEMS: Final = 1000  # providers per part of a tax report
INJURY_REPORT_WORKERS_MAX_ITEMS: Final = 2000  # workers in one occupational-injury monthly report

# --- errors -------------------------------------------------------------------------------------

# The longest field name an error gives (``payload.providers.3.gross_fen``): a quarantine row keeps it.
ERROR_FIELD_MAX_LENGTH: Final = 120

# --- time ----------------------------------------------------------------------------------------

# Default allowance, in seconds, for a sender's clock ahead of the receiver's: a time that says
# when something happened (``changed_at``, ``reported_at``, ...) further ahead than this is refused.
# A deployment sets its own with ``SHARECITY_EXCHANGE_CLOCK_SKEW_SECONDS``.
CLOCK_SKEW_SECONDS: Final = 86_400
