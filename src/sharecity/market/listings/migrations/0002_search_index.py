"""Full-text search over ``Listing.search_text`` (jieba-segmented, space-separated tokens).

SQLite: an FTS5 table with external content (the listing table itself), kept in sync by
triggers, tokenised by ``unicode61`` — which splits only on whitespace and punctuation, so the
pre-segmented words stay whole. PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``,
the exact expression ``listings.search`` queries. A partial index on coordinates helps the
bounding-box prefilter of a search near a point on both.
"""

from django.db import migrations

# Fixed statements over the two table names of this module (no input): S608 does not apply.
# ruff: noqa: S608

FTS = "market_listings_listing_fts"
TABLE = "market_listings_listing"

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    f"search_text, content='{TABLE}', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF search_text ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    f"CREATE INDEX IF NOT EXISTS listing_geo_idx ON {TABLE} (latitude, longitude) WHERE latitude IS NOT NULL",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai", f"DROP TRIGGER IF EXISTS {FTS}_ad", f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}", "DROP INDEX IF EXISTS listing_geo_idx",
]
POSTGRES_FORWARD = [
    f"CREATE INDEX IF NOT EXISTS listing_search_tsv_idx ON {TABLE} "
    f"USING GIN (to_tsvector('simple'::regconfig, search_text))",
    f"CREATE INDEX IF NOT EXISTS listing_geo_idx ON {TABLE} (latitude, longitude) WHERE latitude IS NOT NULL",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS listing_search_tsv_idx", "DROP INDEX IF EXISTS listing_geo_idx"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("market_listings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
