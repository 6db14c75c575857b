"""Reach per audience: each needer may reach a finding in its own way, the finding's reach stays
the default, and findings recorded before (schema version 2) score exactly as they did.

The default is the migration rule: a needer that can see the finding reaches it at the finding's
reach, any other needer not at all. The examples follow the guidance in DOMAIN.md: a staff-room
poster reaches permanent staff, but not the supply teacher who goes straight to a classroom.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from datawalk import drafts
from datawalk.checklist import DEFAULT_CHECKLIST_PATH, leaf_audiences, load_checklist
from datawalk.cli import main
from datawalk.errors import ValidationError
from datawalk.interchange import parse_document
from datawalk.models import DOCUMENT_SCHEMA_VERSION, Finding, Reach
from datawalk.samples import SAMPLE_PATH
from datawalk.scoring import score_finding, score_findings
from datawalk.vocabulary import Checklist

UK = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK = date(2025, 3, 3)


def finding(**fields) -> Finding:
    values = {
        "audit_id": "audit-reach-1",
        "location_id": "location-reach-1",
        "categories": ["anaphylaxis_aai"],
        "format": "poster",
        "identifiability": "forename_photo",
        "detail_level": "condition_action",
        "controls": ["dated_review"],
        "review_date": date(2025, 7, 18),
    }
    return Finding(**(values | fields))


def migrated(item: Finding, checklist: Checklist) -> Finding:
    """The finding with every needer's reach written out by the migration rule: the finding's
    reach where the needer can see it, not at all where it cannot. A group that is only partly
    visible is written as its leaf roles, so every reach is explicit."""
    seen = leaf_audiences(checklist, item.visible_to)
    needers: list[str] = []
    given: dict[str, Reach] = {}
    for audience in item.needed_by:
        leaves = leaf_audiences(checklist, [audience])
        parts = [audience] if leaves <= seen or not leaves & seen else sorted(leaves)
        for part in parts:
            needers.append(part)
            given[part] = (
                item.reach if leaf_audiences(checklist, [part]) <= seen else Reach.NOT_AT_ALL
            )
    return Finding.model_validate(
        item.model_dump() | {"needed_by": sorted(set(needers)), "needed_reach": given}
    )


def _key(scored) -> tuple:
    return (
        scored.classification,
        scored.privacy_level,
        scored.safeguarding_level,
        scored.priority,
        scored.exposure,
        scored.availability_gap,
    )


def test_the_sample_walk_scores_the_same_before_and_after_the_migration() -> None:
    document = parse_document(SAMPLE_PATH.read_bytes(), rescore=False)
    checklist = Checklist.model_validate(document.audit.checklist.content)
    day = document.audit.walk_at.date()
    before = score_findings(document.findings, checklist, day)
    after_findings = [migrated(f, checklist) for f in document.findings]
    after = score_findings(after_findings, checklist, day)
    assert any(f.needed_reach for f in after_findings)
    assert any(Reach.NOT_AT_ALL in f.needed_reach.values() for f in after_findings)
    assert [_key(s) for s in after] == [_key(s) for s in before]
    assert [s.missing for s in after] == [s.missing for s in before]


def test_staff_room_poster_all_staff_see_but_supply_cannot_reach() -> None:
    """All staff need an anaphylaxis poster and all can see it in the staff room, but the supply
    teacher goes straight to a classroom: no over-exposure, and a supply gap."""
    with pytest.raises(ValueError, match="not in needed_by"):  # supply is named as a needer
        finding(
            visible_to=["all_staff"],
            needed_by=["all_staff"],
            needed_reach={"supply": Reach.NOT_AT_ALL},
        )
    poster = finding(
        visible_to=["all_staff"],
        needed_by=["all_staff", "supply"],
        needed_reach={"supply": Reach.NOT_AT_ALL},
    )
    scored = score_finding(poster, UK, today=WALK)
    assert scored.excess == [] and scored.exposure == 0
    assert scored.classification == "under_available"
    assert scored.missing == ["supply"]
    assert any("Supply and cover staff cannot reach it at all" in r for r in scored.reasons)
    without = score_finding(poster.model_copy(update={"needed_reach": {}}), UK, today=WALK)
    assert without.classification == "proportionate" and without.missing == []


def test_the_literal_entry_keeps_the_supply_gap() -> None:
    """Entered as the issue tried it (all staff see it; catering and supply need it), the supply
    gap no longer disappears behind the exposure."""
    poster = finding(
        visible_to=["all_staff"],
        needed_by=["catering", "supply"],
        needed_reach={"supply": Reach.NOT_AT_ALL},
    )
    scored = score_finding(poster, UK, today=WALK)
    assert scored.missing == ["supply"]
    assert scored.classification in {"under_available", "both"}


def test_the_narrower_audience_wins_and_a_given_reach_can_be_fast() -> None:
    folder = finding(
        format="folder",
        visible_to=[],
        needed_by=["all_staff", "midday"],
        needed_reach={"all_staff": Reach.IMMEDIATELY, "midday": Reach.SAME_DAY},
    )
    scored = score_finding(folder, UK, today=WALK)
    assert scored.missing == ["midday"]  # everyone else carries it, whatever "visible to" says
    assert any("Midday supervisors can reach it only same day" in r for r in scored.reasons)


def test_reach_per_audience_is_checked_against_the_checklist() -> None:
    item = finding(visible_to=["catering"], needed_by=["catering"])
    odd = item.model_copy(update={"needed_reach": {"catering": "by_pigeon"}})
    with pytest.raises(ValidationError, match="by_pigeon"):
        score_finding(odd, UK, today=WALK)


def test_the_store_keeps_reach_per_audience(store, audit, location, make_finding) -> None:
    given = make_finding(
        audit.id,
        location.id,
        needed_by=["all_staff", "supply"],
        needed_reach={"supply": Reach.NOT_AT_ALL},
    )
    plain = make_finding(audit.id, location.id, needed_by=["catering"])
    store.save_finding(given, "tester")
    store.save_finding(plain, "tester")
    by_id = {f.id: f for f in store.list_findings(audit.id)}
    assert by_id[given.id].needed_reach == {"supply": Reach.NOT_AT_ALL}
    assert by_id[given.id].needed_by == ["all_staff", "supply"]
    assert by_id[plain.id].needed_reach == {} and by_id[plain.id].needed_by == ["catering"]


def _version_2(tmp_path: Path) -> Path:
    """The sample walk as version 2 wrote it: no reach per audience anywhere."""
    raw = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
    raw["schema_version"] = 2
    for item in raw["findings"]:
        item.pop("needed_reach", None)
    path = tmp_path / "version-2.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_a_version_2_document_imports_and_scores(tmp_path: Path) -> None:
    old = _version_2(tmp_path)
    runner = CliRunner()
    scored = runner.invoke(main, ["score", str(old)], catch_exceptions=False)
    assert scored.exit_code == 0, scored.output
    current = runner.invoke(main, ["score", str(SAMPLE_PATH)], catch_exceptions=False)
    assert json.loads(scored.stdout) == json.loads(current.stdout)
    db = f"sqlite:///{tmp_path / 'v2.db'}"
    imported = runner.invoke(main, ["import", str(old), "--db", db], catch_exceptions=False)
    assert imported.exit_code == 0, imported.output
    assert DOCUMENT_SCHEMA_VERSION == 3


def test_a_needer_dropped_from_needed_by_loses_its_reach() -> None:
    draft = drafts.Draft(categories=["anaphylaxis_aai"], needed_by=["catering", "supply"])
    draft = drafts.change_needer_reach(draft, "supply", Reach.NOT_AT_ALL.value, UK)
    assert draft.needed_reach == {"supply": "not_at_all"}
    draft = drafts.change_needer_reach(draft, "supply", None, UK)  # back on the default
    assert draft.needed_reach == {}
    draft = drafts.change_needer_reach(draft, "supply", Reach.SAME_DAY.value, UK)
    draft = drafts.change_field(draft, "needed_by", ["catering"], UK)
    assert draft.needed_reach == {}
    with pytest.raises(ValidationError):
        drafts.change_needer_reach(draft, "supply", Reach.SAME_DAY.value, UK)
