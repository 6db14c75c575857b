"""Settings, "Scoring model": the recommendation rules and guards of the audit's pinned checklist
are listed in words, with where each step applies, who keeps the information after it, and the
floor no checklist can lower."""

from __future__ import annotations

from datawalk.checklist import checklist_from_pin
from datawalk.scoring.rule_table import BUILT_IN_FLOOR


def _frame(at, column: str):
    return next(f.value for f in at.dataframe if column in f.value.columns)


def test_rules_and_guards_of_the_pinned_checklist_are_listed(open_page, walk) -> None:
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    scoring = checklist_from_pin(walk.store.get_audit(walk.audit.id).checklist).scoring
    rules = _frame(at, "Who can still reach it after")
    guards = _frame(at, "Must stay reachable by")
    assert list(rules["Rule"]) == [r.id for r in scoring.rules if not r.guard]
    assert list(guards["Guard"]) == [r.id for r in scoring.rules if r.guard]
    lock = rules.set_index("Rule").loc["lock_child_protection"]
    assert "designated safeguarding lead" in lock["Who can still reach it after"].lower()
    hatch = rules.set_index("Rule").loc["move_to_kitchen_side", "Where"]
    assert "Servery" in hatch and "Classroom" not in hatch
    court = guards.set_index("Guard").loc["keep_collection_reachable", "Must stay reachable by"]
    assert "office staff" in court.lower()
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert all(line.split(",")[0] in shown for line in BUILT_IN_FLOOR)
