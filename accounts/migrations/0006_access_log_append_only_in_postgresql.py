"""PostgreSQL refuses any UPDATE or DELETE of the access log, except the retention job's expiry.

The ORM already refuses them (AccessLogQuerySet); this holds for raw SQL and `_base_manager` too.
The retention job sets `heard.access_log_retention` for its own transaction only (SET LOCAL).
TRUNCATE is left alone: the test runner empties tables with it between tests.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_access_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('heard.access_log_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The access log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_access_log_append_only
    BEFORE UPDATE OR DELETE ON accounts_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION accounts_access_log_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_access_log_append_only ON accounts_accesslogentry;
DROP FUNCTION IF EXISTS accounts_access_log_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: "%" is PL/pgSQL's own

    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_emergency_duty_team_role")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
