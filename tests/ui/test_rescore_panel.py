"""The settings page's "Checklist version" section in AppTest: a newer library copy is offered,
previewed (findings that would change level) and only applied on an explicit second tap; an
older copy is refused with its reason. The checklist library is patched, as the real one holds
one version only."""

from __future__ import annotations

import pytest

from datawalk.checklist import checklist_from_pin, pin_checklist
from datawalk.models import Finding
from datawalk.scoring import rescore_diff, score_finding, walk_date
from datawalk.ui import rescore_panel

ACTOR = "A. Consultant"


def newer_copy(checklist, finding: Finding, version: int):
    """A copy of `checklist` whose privacy grid gives `finding` another level."""
    scored = score_finding(finding, checklist)
    grid = [list(row) for row in checklist.scoring.privacy_grid]
    row, col = scored.exposure, scored.sensitivity - 1
    grid[row][col] = (grid[row][col] + 1) % len(checklist.scoring.levels)
    scoring = checklist.scoring.model_copy(update={"privacy_grid": grid})
    return checklist.model_copy(update={"scoring": scoring, "version": version})


def library(monkeypatch, *checklists) -> None:
    monkeypatch.setattr(rescore_panel, "available_checklists", lambda: list(checklists))


@pytest.fixture
def finding(walk) -> Finding:
    """A stored allergy poster seen by visitors, in the walk's audit."""
    return walk.store.save_finding(
        Finding(
            audit_id=walk.audit.id,
            location_id=walk.location.id,
            categories=["food_allergy"],
            format="poster",
            identifiability="full_name_photo",
            detail_level="condition_action",
            visible_to=["visitors"],
            needed_by=["all_staff"],
        ),
        ACTOR,
    )


def button_labelled(at, label: str):
    return next(button for button in at.button if button.label == label)


def test_a_newer_version_is_previewed_then_applied(
    open_page, walk, finding, checklist, monkeypatch
):
    old, new = checklist.version, checklist.version + 1
    newer = newer_copy(checklist, finding, version=new)
    library(monkeypatch, checklist, newer)
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception

    button_labelled(at, f"Rescore with checklist v{new}").click().run()
    findings = walk.store.list_findings(walk.audit.id)
    expected = rescore_diff(findings, checklist, newer, today=walk_date(walk.audit))
    assert expected >= 1
    assert any(
        f"**{expected} of {len(findings)} findings would change level**" in m.value
        for m in at.markdown
    )
    (examples,) = [d.value for d in at.dataframe if "Privacy after" in d.value.columns]
    assert examples["Finding"].tolist() == [finding.reference]
    assert walk.store.get_audit(walk.audit.id).checklist.version == old  # a preview writes nothing

    at.button(key="rescore_apply").click().run()
    assert not at.exception
    audit = walk.store.get_audit(walk.audit.id)
    assert audit.checklist.content_hash == pin_checklist(newer).content_hash
    assert checklist_from_pin(audit.checklist).version == new
    # The re-pin is recorded; the default actions kept in step after it are recorded too.
    trail = walk.store.list_trail(walk.audit.id)
    (event,) = [e for e in trail if e.operation == "update" and "checklist" in e.changes]
    assert event.changes["checklist"]["new"]["version"] == new
    assert any(f"Rescored with checklist version {new}" in s.value for s in at.success)


def test_cancel_leaves_the_audit_as_it_was(open_page, walk, finding, checklist, monkeypatch):
    new = checklist.version + 1
    library(monkeypatch, checklist, newer_copy(checklist, finding, version=new))
    at = open_page("settings", audit=walk.audit.id)
    button_labelled(at, f"Rescore with checklist v{new}").click().run()
    at.button(key="rescore_cancel").click().run()
    assert "rescore_apply" not in {button.key for button in at.button}
    assert walk.store.get_audit(walk.audit.id).checklist.version == checklist.version


def test_an_older_version_is_refused_with_its_reason(
    open_page, walk, finding, checklist, monkeypatch
):
    newer = newer_copy(checklist, finding, version=checklist.version + 1)
    walk.store.repin_checklist(walk.audit.id, pin_checklist(newer), ACTOR)
    library(monkeypatch, checklist, newer)
    at = open_page("settings", audit=walk.audit.id)
    assert not at.exception
    assert any("older" in info.value and "never rescores" in info.value for info in at.info)
    assert not [b for b in at.button if b.label.startswith("Rescore with")]


def test_the_same_copy_offers_nothing(open_page, walk, checklist, monkeypatch):
    library(monkeypatch, checklist)
    at = open_page("settings", audit=walk.audit.id)
    assert any("no other copy" in c.value for c in at.caption)
