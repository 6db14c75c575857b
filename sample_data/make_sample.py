"""Write the fictional sample walk: floor plans and the audit document of Hollybrook Primary School.

    python sample_data/make_sample.py

reads `hollybrook-walk.yaml` (what was seen, as plain data), draws `floor_ground.png` and
`floor_first.png` (see `floor_plans.py`) and writes `hollybrook-walk.json`, an `AuditDocument`
that `python -m datawalk sample` loads. Every finding is checked against the checklist, so the
sample can never hold an id the app would refuse.

Ids and timestamps are fixed: running it twice writes the same files. Ids are derived from a
fixed seed so they look as unguessable as real ones. Re-run it whenever the checklist changes
(a test says so).
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from floor_plans import FLOORS, HEIGHT, WIDTH, FloorSpec, draw_plan, room_position  # noqa: E402

from datawalk.checklist import (  # noqa: E402
    DEFAULT_CHECKLIST_PATH,
    finding_from_template,
    load_checklist,
    pin_checklist,
)
from datawalk.interchange import attach_scores, dump_document, parse_document  # noqa: E402
from datawalk.models import (  # noqa: E402
    Action,
    Audit,
    AuditDocument,
    AuditStatus,
    Finding,
    Floor,
    Location,
    Phase,
    Photo,
    PlanImage,
    Position,
    RedactionRecord,
    School,
    Site,
)
from datawalk.validation import validate_finding, validate_location  # noqa: E402
from datawalk.vocabulary import Checklist  # noqa: E402

WALK_YAML = HERE / "hollybrook-walk.yaml"
DOCUMENT_JSON = HERE / "hollybrook-walk.json"
SEED = "datawalk-sample/hollybrook/v1"
WALK_AT = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
MINUTES_PER_FINDING = 4
# Photos of these findings are drawn (no real faces) to show how redaction records look.
PHOTOGRAPHED = {"servery_poster": "Allergy poster at the hatch", "office_screen": "Hatch screen"}


def fixed_id(kind: str, key: str) -> str:
    """Return a stable, random-looking id: the app puts ids in URLs, so none may be guessable."""
    digest = hashlib.sha256(f"{SEED}/{kind}/{key}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode("ascii")


def build_document(walk: dict[str, Any] | None = None) -> AuditDocument:
    """Return the sample audit document, every location and finding checked by the checklist."""
    walk = walk or yaml.safe_load(WALK_YAML.read_text(encoding="utf-8"))
    checklist = load_checklist(DEFAULT_CHECKLIST_PATH)
    audit = _audit(walk, checklist)
    locations = _locations(walk, audit)
    location_ids = {location.id for location in locations}
    findings = [
        _finding(spec, index, audit.id, checklist) for index, spec in enumerate(walk["findings"])
    ]
    for location in locations:
        validate_location(location, checklist)
    for finding in findings:
        if finding.location_id not in location_ids:
            raise ValueError(f"{finding.reference}: no such location in {WALK_YAML.name}")
        validate_finding(finding, checklist)
    actions = [_action(spec, index, audit.id) for index, spec in enumerate(walk["actions"])]
    document = attach_scores(
        AuditDocument(audit=audit, locations=locations, findings=findings, actions=actions)
    )
    return _with_priorities(document)


def _audit(walk: dict[str, Any], checklist: Checklist) -> Audit:
    finished = WALK_AT + timedelta(minutes=MINUTES_PER_FINDING * len(walk["findings"]) + 30)
    return Audit(
        id=fixed_id("audit", "hollybrook"),
        school=School(name=walk["school"], phase=Phase.PRIMARY),
        site=Site(name=walk["site"], floors=[_floor(spec) for spec in FLOORS]),
        walk_at=WALK_AT,
        auditor=walk["auditor"],
        accompanied_by=walk["accompanied_by"],
        scope_limitations=walk["scope_limitations"],
        overall_opinion=walk["overall_opinion"],
        # In progress, so the app opens it on first start and it is never due for deletion: a
        # consultant trying DataWalk lands on a walk they can add to.
        status=AuditStatus.IN_PROGRESS,
        checklist=pin_checklist(checklist),
        created_at=WALK_AT - timedelta(days=1),
        updated_at=finished,
    )


def _floor(spec: FloorSpec) -> Floor:
    plan = PlanImage(
        media_type="image/png", width=WIDTH, height=HEIGHT, data=base64.b64encode(draw_plan(spec))
    )
    return Floor(id=fixed_id("floor", spec.key), name=spec.name, order=spec.order, plan=plan)


def _locations(walk: dict[str, Any], audit: Audit) -> list[Location]:
    floors = {spec.key: spec for spec in FLOORS}
    visited: dict[str, datetime] = {}
    for index, finding in enumerate(walk["findings"]):
        visited.setdefault(finding["location"], _finding_time(index) - timedelta(minutes=1))
    locations = []
    for order, spec in enumerate(walk["locations"]):
        when = visited.get(spec["key"], WALK_AT + timedelta(minutes=order))
        dx, dy = spec.get("nudge", (0, 0.25))
        locations.append(
            Location(
                id=fixed_id("location", spec["key"]),
                audit_id=audit.id,
                name=spec["name"],
                location_type=spec["type"],
                floor_id=fixed_id("floor", spec["floor"]),
                position=Position(**room_position(floors[spec["floor"]], spec["room"], dx, dy)),
                nothing_found=spec.get("nothing_found", False),
                created_at=when,
                updated_at=when,
            )
        )
    return locations


def _finding(spec: dict[str, Any], index: int, audit_id: str, checklist: Checklist) -> Finding:
    location_id = fixed_id("location", spec["location"])
    if "template" in spec:
        base = finding_from_template(checklist, spec["template"], audit_id, location_id)
        data = base.model_dump(mode="json") | spec.get("changes", {})
    else:
        data = {"audit_id": audit_id, "location_id": location_id, **spec["fields"]}
    for field in ("notes", "good_practice_note", "review_date"):
        if field in spec:
            data[field] = spec[field]
    key = spec.get("key", f"finding-{index + 1}")
    when = _finding_time(index)
    data |= {
        "id": fixed_id("finding", key),
        "reference": f"F-{index + 1:03d}",
        "created_at": when,
        "updated_at": when,
        "version": 1,
        "photos": [_photo(key, PHOTOGRAPHED[key], when)] if key in PHOTOGRAPHED else [],
    }
    return Finding.model_validate(data)


def _finding_time(index: int) -> datetime:
    return WALK_AT + timedelta(minutes=5 + MINUTES_PER_FINDING * index)


def _photo(key: str, caption: str, taken: datetime) -> Photo:
    """A small drawn 'photo' of a display: faces are grey blocks already covered by redaction."""
    image = Image.new("RGB", (320, 240), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=14)
    draw.rectangle((10, 10, 310, 230), outline=(180, 40, 40), width=4)
    draw.text((160, 28), caption.upper(), font=font, fill=(180, 40, 40), anchor="mm")
    boxes = []
    for column in range(3):
        left = 24 + column * 96
        boxes.append({"x": left, "y": 52, "width": 80, "height": 80, "source": "manual"})
        draw.rectangle((left, 52, left + 79, 131), fill=(20, 20, 20))
        label = f"Pupil {'ABC'[column]}"
        draw.text((left + 40, 150), label, font=font, fill=(40, 40, 40), anchor="mm")
        draw.line((left + 8, 176, left + 72, 176), fill=(120, 120, 120), width=3)
        draw.line((left + 8, 190, left + 56, 190), fill=(120, 120, 120), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    record = RedactionRecord(
        pipeline_version="sample drawing (no real faces)",
        boxes=boxes,
        confirmed_by="Jo Walker (fictional)",
        confirmed_at=taken,
    )
    return Photo(
        id=fixed_id("photo", key),
        media_type="image/png",
        width=image.width,
        height=image.height,
        caption=caption,
        data=base64.b64encode(buffer.getvalue()),
        redaction=record,
        created_at=taken,
    )


def _action(spec: dict[str, Any], index: int, audit_id: str) -> Action:
    when = WALK_AT + timedelta(days=1, minutes=index)
    fields = {name: value for name, value in spec.items() if name != "findings"}
    return Action(
        id=fixed_id("action", str(index + 1)),
        audit_id=audit_id,
        finding_ids=[fixed_id("finding", key) for key in spec["findings"]],
        created_at=when,
        updated_at=when,
        **fields,
    )


def _with_priorities(document: AuditDocument) -> AuditDocument:
    """Give each action the highest priority among its findings' scores, when scored."""
    priority = {
        score.get("finding_id"): score.get("priority")
        for score in document.scores
        if isinstance(score.get("priority"), int | float)
    }
    actions = []
    for action in document.actions:
        highest = max(priority.get(finding_id, 0.0) for finding_id in action.finding_ids)
        actions.append(action.model_copy(update={"priority": highest}))
    return document.model_copy(update={"actions": actions})


def main() -> None:
    for spec in FLOORS:
        (HERE / f"floor_{spec.key}.png").write_bytes(draw_plan(spec))
    document = build_document()
    text = dump_document(document)
    parse_document(text)  # the sample passes every check an import makes, or is not written
    DOCUMENT_JSON.write_text(text, encoding="utf-8")
    print(
        f"wrote {DOCUMENT_JSON.name}: {len(document.findings)} findings at "
        f"{len(document.locations)} locations on {len(document.audit.site.floors)} floors"
    )


if __name__ == "__main__":
    main()
