"""PostgreSQL: every transaction that queues outbox rows notifies the channel ``sharecity_outbox``
at its commit, so relay processes wake at once instead of at their next poll
(``sharecity.exchange.relay.OutboxCommitListener``). A statement trigger on the queue of waiting
rows covers every writer (``outbox_enqueue``, bulk COPY); PostgreSQL delivers a transaction's
notifications only when it commits, and folds repeats of one into a single one."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION sharecity_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sharecity_outbox', '');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS kernel_outboxpending_notify ON kernel_outboxpending;
CREATE TRIGGER kernel_outboxpending_notify AFTER INSERT ON kernel_outboxpending
    FOR EACH STATEMENT EXECUTE FUNCTION sharecity_outbox_notify();
"""

DROP = """
DROP TRIGGER IF EXISTS kernel_outboxpending_notify ON kernel_outboxpending;
DROP FUNCTION IF EXISTS sharecity_outbox_notify();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0004_delivery_attempt_per_batch"),
        ("kernel", "0005_outbox_pending_queue"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
