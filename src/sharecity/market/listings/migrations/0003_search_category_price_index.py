"""Search by category and price range: a covering index for its count and a narrow range for its page.

Without it the planner scans the (platform, status, price) index over every category in the
price range and reads each row to check its category (SQLite, 100k listings: count 390 ms → 1 ms).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("market_listings", "0002_search_index"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS listing_category_price_idx "
            "ON market_listings_listing (platform_id, status, category_id, price_fen)",
            "DROP INDEX IF EXISTS listing_category_price_idx",
        ),
    ]
