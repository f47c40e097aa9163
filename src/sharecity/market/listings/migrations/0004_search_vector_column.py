"""PostgreSQL: keep the tsvector of ``search_text`` stored, not recomputed per matching row.

With only an expression index, every matching row's ``to_tsvector`` was computed again to
rank it (and to count it): 2,400 matches of 100k listings took 450 ms under load. A stored
generated column (computed by PostgreSQL on every insert or update of ``search_text``; Django
neither reads nor writes it) with a GIN index replaces the expression index. SQLite keeps its
FTS5 table. Note: a later ALTER of ``search_text``'s type must drop and re-add this column.
"""

from django.db import migrations

TABLE = "market_listings_listing"

FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    f"CREATE INDEX IF NOT EXISTS listing_search_vector_idx ON {TABLE} USING GIN (search_vector)",
    "DROP INDEX IF EXISTS listing_search_tsv_idx",
]
BACKWARD = [
    f"CREATE INDEX IF NOT EXISTS listing_search_tsv_idx ON {TABLE} "
    "USING GIN (to_tsvector('simple'::regconfig, search_text))",
    "DROP INDEX IF EXISTS listing_search_vector_idx",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("market_listings", "0003_search_category_price_index"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
