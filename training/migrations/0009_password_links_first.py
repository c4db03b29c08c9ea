from tortoise import migrations
from tortoise.migrations import operations as ops

# The sender's next batch: the password links waiting first, then every message waiting, each in
# the order queued. Without these, PostgreSQL walked every message ever sent to find it (0.3 to
# 0.45 s a batch behind 3 million sent), and SQLite scanned every message waiting for the links
# (0.14 s a batch behind 1.2 million notices). Each database gets the index its planner takes.
INDEXES = {
    "sqlite": [
        "CREATE INDEX outbox_message_waiting ON outbox_message (sent_at, sensitive, id)",
    ],
    "postgres": [
        "CREATE INDEX outbox_message_waiting ON outbox_message (id) WHERE sent_at IS NULL",
        "CREATE INDEX outbox_message_waiting_links ON outbox_message (id) "
        "WHERE sent_at IS NULL AND sensitive = TRUE",
    ],
}


async def create_indexes(apps, schema_editor) -> None:
    client = schema_editor.client
    for statement in INDEXES[client.capabilities.dialect]:
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('training', '0008_prepared_exports')]

    initial = False

    operations = [ops.RunPython(create_indexes)]
