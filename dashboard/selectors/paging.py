"""A paginator whose count stops at a cap, for the queue and the message log."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Lists count at most this many rows: past it, "1,000+" is as useful as an exact figure and
# the count stays as cheap at a million intakes as at a thousand. Narrow the filters to see more.
COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A Paginator whose count stops at COUNT_CAP (+1 to know there are more)."""

    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()  # type: ignore[attr-defined]  # a QuerySet

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-min(self.count, COUNT_CAP) // self.per_page))
