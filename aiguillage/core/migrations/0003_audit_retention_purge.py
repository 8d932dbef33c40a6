"""Let the retention purge, and only it, delete old audit events on PostgreSQL.

The trigger of migration 0002 stays; its function is replaced. UPDATE is still always refused.
DELETE is refused too, unless the current transaction has declared a cut-off date with
``SELECT set_config('aiguillage.purge_journal_avant', '<timestamptz>', true)`` (what
``aiguillage.core.retention.journal_purger`` does) and the row is older than that date. The
setting is transaction-local: it is gone at COMMIT or ROLLBACK (a session that used it once reads
it back as an empty string, hence the NULLIF). A malformed value makes the cast fail, which
refuses the DELETE as well.

SQLite is unchanged: its DELETE is refused by the model only (see 0002).
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
DECLARE
    purge_avant timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        purge_avant := NULLIF(current_setting('aiguillage.purge_journal_avant', true), '');
        IF purge_avant IS NOT NULL AND OLD.at < purge_avant THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit est en ajout seul (% refusé).', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
# The function of migration 0002, restored as it was.
POSTGRES_DOWN = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Le journal d''audit est en ajout seul (% refusé).', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
