"""The triage quality summary, refreshed on read: writers only note which intakes changed.

Migration 0008 had each statement trigger recount its intakes' summary rows in the
writer's transaction (about 1 ms of PostgreSQL time per statement, three per submitted
intake). Here the same triggers only append the intakes' ids to `dashboard_qualitydirty`
(a plain insert: no index to probe, no conflict to check, duplicates allowed), and
`stride_quality_drain()` recounts them when someone is about to read the summary (the
quality page, the beat task `dashboard.quality_summary_drain` every minute) and deletes
them, in one short transaction.

Race-safety (READ COMMITTED): a drain first takes a transaction advisory lock, so drains
run one at a time; its DELETE ... RETURNING then takes exactly the ids committed before it
(a later writer's rows stay for the next drain), and its recount, a later statement, sees
at least what those writers committed. A second page view waits for the first one's drain
to commit, then finds nothing left to do: nothing counted twice, no id lost.

Applied on a database where 0008 is already in place (nothing released: editing 0008 in
place would have left such a database without the new table). On other databases than
PostgreSQL only the table is created; the page counts rows there.
"""

import importlib

from django.db import migrations, models

SUMMARY = importlib.import_module("dashboard.migrations.0008_quality_summary")
# The advisory lock's key: any constant of our own ("stride quality" in ASCII, cut to 63 bits).
DRAIN_LOCK = 0x5374726964655175

DRAIN_SQL = f"""
CREATE OR REPLACE FUNCTION stride_quality_drain() RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    ids bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock({DRAIN_LOCK});
    WITH taken AS (DELETE FROM dashboard_qualitydirty RETURNING intake_id)
    SELECT array_agg(DISTINCT intake_id ORDER BY intake_id) INTO ids FROM taken;
    PERFORM stride_quality_refresh(ids);
    RETURN COALESCE(cardinality(ids), 0);
END
$fn$;
"""  # nosec B608: DDL with one integer constant of ours; no values


def _mark_sql(name, columns, intakes):
    """One table's trigger function, now: note the intakes a statement touched, no more
    (on an update, only if a column the figures read changed, as in 0008)."""
    function = f"stride_quality_on_{name.lower()}"
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in columns.split(", "))
    pairs = f"old_rows o JOIN new_rows n ON n.id = o.id WHERE {changed}"
    before = intakes.format(rows=f"(SELECT o.* FROM {pairs}) AS changed")  # nosec B608: DDL built from table names in _meta and fixed column lists; no values
    after = intakes.format(rows=f"(SELECT n.* FROM {pairs}) AS changed")  # nosec B608: DDL built from table names in _meta and fixed column lists; no values
    mark = "INSERT INTO dashboard_qualitydirty (intake_id)"
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {mark} {intakes.format(rows="new_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        {mark} {intakes.format(rows="old_rows")};
    ELSE
        {mark} {before} UNION {after};
    END IF;
    RETURN NULL;
END
$fn$;
"""  # nosec B608: DDL built from table names in _meta and fixed column lists; no values


def marks_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    t = SUMMARY._tables(apps)
    for (_app, name), (columns, intakes) in SUMMARY.SOURCES.items():
        intakes = intakes.replace("{appointment}", t["Appointment"])
        schema_editor.execute(_mark_sql(name, columns, intakes))
    schema_editor.execute(DRAIN_SQL)


def marks_drop(apps, schema_editor):
    """Back to 0008: the triggers recount in the writer's transaction again."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SELECT stride_quality_drain()")
    schema_editor.execute("DROP FUNCTION IF EXISTS stride_quality_drain()")
    t = SUMMARY._tables(apps)
    for (_app, name), (columns, intakes) in SUMMARY.SOURCES.items():
        intakes = intakes.replace("{appointment}", t["Appointment"])
        sql = SUMMARY._source_sql(name, t[name], columns, intakes)
        # Only the function: the triggers that call it are still there.
        schema_editor.execute(sql[: sql.index("CREATE TRIGGER")])


class Migration(migrations.Migration):

    dependencies = [
        ("dashboard", "0008_quality_summary"),
    ]

    operations = [
        migrations.CreateModel(
            name="QualityDirty",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("intake_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(marks_create, marks_drop),
    ]
