"""The fictional sample walked twice, for the tests of what a re-walk shows: one place resolved,
one still as it was, one changed for the worse, one not checked, and a new finding at a place
that had none last time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from datawalk.models import Audit, AuditStatus, Finding, Location, RewalkState
from datawalk.samples import load_sample
from datawalk.services import Actor, Workspace
from datawalk.services.audits import set_status
from datawalk.services.findings import save_finding
from datawalk.services.rewalks import mark_previous_finding, set_location_not_checked, start_rewalk
from datawalk.store import Store

ACTOR = Actor("Lead Consultant")
NEXT_YEAR = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SEEN_BY_MANY = ["parents", "pupils", "through_window", "visitors"]


@dataclass
class WalkedTwice:
    first: Audit
    audit: Audit
    places: dict[str, Location]  # resolved, still, changed, locked, new
    carried: dict[str, int]  # how many of last walk's findings each place had
    not_checked_places: int  # the locked one, and those whose findings nobody marked


def walk_twice(store: Store) -> WalkedTwice:
    workspace = Workspace(store)
    first = set_status(workspace, ACTOR, load_sample(store), AuditStatus.COMPLETE)
    audit = start_rewalk(workspace, ACTOR, first.id, [], walk_at=NEXT_YEAR)
    items = store.rewalk_record(audit.id).items
    at = {x.id: [i for i in items if i.location_id == x.id] for x in store.list_locations(audit.id)}
    located = sorted((x for x in store.list_locations(audit.id) if at[x.id]), key=lambda x: x.name)
    empty = next(x for x in store.list_locations(audit.id) if not at[x.id])
    resolved, still, changed, locked = located[:4]
    for item in at[resolved.id]:
        mark_previous_finding(workspace, ACTOR, item.id, RewalkState.RESOLVED)
    for item in at[still.id]:
        mark_previous_finding(workspace, ACTOR, item.id, RewalkState.STILL)
    for item in at[changed.id]:
        copy = store.get_finding(
            mark_previous_finding(workspace, ACTOR, item.id, RewalkState.CHANGED).new_finding_id
        )
        worse = copy.model_copy(update={"visible_to": SEEN_BY_MANY, "controls": []})
        save_finding(workspace, ACTOR, worse)
    set_location_not_checked(workspace, ACTOR, audit.id, locked.id, True)
    new = Finding(
        audit_id=audit.id,
        location_id=empty.id,
        categories=["food_allergy"],
        format="poster",
        identifiability="full_name_photo",
        detail_level="condition_action",
        visible_to=["parents", "visitors"],
        needed_by=["all_staff"],
    )
    save_finding(workspace, ACTOR, new)
    places = {"resolved": resolved, "still": still, "changed": changed, "locked": locked,
              "new": empty}  # fmt: skip
    carried = {k: len(at[x.id]) for k, x in places.items()}
    untouched = len(located) - 3  # all but the resolved, still and changed places
    return WalkedTwice(first, store.get_audit(audit.id), places, carried, untouched)
