"""The review's outdated advice stays gone from every text patients read under the rules in
force: ice "to calm inflammation", a fixed 170–180 step rate, "bone on bone"."""

import re

import pytest

from intake import triage

OUTDATED = [
    r"inflammation",  # ice sold as calming inflammation (an anti-inflammatory gel is fine)
    r"17\d\s*[–-]\s*18\d",  # a fixed cadence target
    r"bone[- ]on[- ]bone",
]


@pytest.mark.parametrize("pattern", OUTDATED)
def test_no_current_advice_text_carries_the_outdated_wording(pattern):
    texts = [*triage.ADVICE.values(), *(p.what_it_is for p in triage.PATTERNS.values())]
    assert [t for t in texts if re.search(pattern, t, re.IGNORECASE)] == []


def test_cold_is_offered_for_pain_only_and_the_step_rate_is_the_runners_own():
    assert "Cold eases pain; it does not heal." in triage.ADVICE["ice_15"]
    assert "raise your own step rate by 5–10%" in triage.ADVICE["cadence_170_180"]
