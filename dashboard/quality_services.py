"""The triage quality summary's one write from Python: the drain.

Writers only note which intakes changed (`dashboard_qualitydirty`, migration
0009_quality_dirty); `quality_summary_drain` recounts those intakes' summary rows and
deletes the notes, in one short transaction of its own. The quality page calls it before
it reads the summary, so it is exactly right after any write; the beat task
`dashboard.quality_summary_drain` calls it every minute, so the page seldom has work to do.
"""

from django.db import connection, transaction


def quality_summary_drain() -> int:
    """Recount the summary rows of every intake written since the last drain; how many.

    Race-safe: drains run one at a time (an advisory lock in `stride_quality_drain`), each
    takes only the notes committed before it, and a page view that waits for another's
    drain then sees its result. Nothing to do on other databases than PostgreSQL."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT stride_quality_drain()")
        (drained,) = cursor.fetchone()
    return int(drained)
