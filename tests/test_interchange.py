"""The JSON audit document: deterministic output, a lossless round trip through the store, and one
clear line for every bad, truncated, hostile or oversized input."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from datawalk.checklist import (
    DEFAULT_CHECKLIST_PATH,
    finding_from_template,
    load_checklist,
    pin_checklist,
)
from datawalk.errors import InterchangeError
from datawalk.interchange import (
    attach_scores,
    document_json_schema,
    dump_document,
    parse_backup,
    parse_document,
    read_document,
)
from datawalk.models import (
    Action,
    Audit,
    AuditDocument,
    Floor,
    Location,
    Photo,
    PlanImage,
    Position,
    RedactionRecord,
    School,
    Site,
    TrailEvent,
)
from datawalk.store import Store

CHECKLIST = load_checklist(DEFAULT_CHECKLIST_PATH)
WALK_AT = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)
TRICKY_TEXT = [
    "<script>alert('x')</script>",
    '=HYPERLINK("http://example.invalid","click")',
    "+44 1632 960000",
    "@SUM(A1)",
    "\t=1+1",
    "Zoë’s café – naïve “quotes”",
    "😀👩‍👩‍👧 emoji",
    "line one\nline two\r\nline three",
    "back\\slash \\u0000 as typed",
    "ﬁ ligature, RTL ‏עברית‏, CJK 漢字",
]


def _png(width: int = 8, height: int = 6) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _photo(caption: str = "poster") -> Photo:
    return Photo(
        media_type="image/png",
        width=8,
        height=6,
        caption=caption,
        data=base64.b64encode(_png()),
        redaction=RedactionRecord(pipeline_version="test", confirmed_by="Test Consultant"),
        created_at=WALK_AT,
    )


def _document(notes: str = "seen at the hatch", **audit_fields: object) -> AuditDocument:
    """A small, valid, fictional audit: one floor with a plan, two locations, two findings."""
    floor = Floor(
        id="floor-ground",
        name="Ground floor",
        plan=PlanImage(media_type="image/png", width=8, height=6, data=base64.b64encode(_png())),
    )
    audit = Audit(
        id="audit-interchange-1",
        school=School(name="Hollybrook Primary School (fictional)", phase="primary"),
        site=Site(name="Main site", floors=[floor]),
        walk_at=WALK_AT,
        auditor="Jo Walker (fictional)",
        checklist=pin_checklist(CHECKLIST),
        created_at=WALK_AT,
        updated_at=WALK_AT,
        **audit_fields,
    )
    servery = Location(
        id="location-servery",
        audit_id=audit.id,
        name="Servery",
        location_type="servery",
        floor_id=floor.id,
        position=Position(x=0.5, y=0.25),
        created_at=WALK_AT,
        updated_at=WALK_AT,
    )
    hall = Location(
        id="location-hall",
        audit_id=audit.id,
        name="Hall",
        location_type="hall_pe",
        floor_id=floor.id,
        nothing_found=True,
        created_at=WALK_AT,
        updated_at=WALK_AT,
    )
    poster = finding_from_template(CHECKLIST, "allergy_poster_servery", audit.id, servery.id)
    poster = poster.model_copy(
        update={
            "id": "finding-poster",
            "reference": "F-001",
            "notes": notes,
            "photos": [_photo()],
            "created_at": WALK_AT,
            "updated_at": WALK_AT,
        }
    )
    register = finding_from_template(CHECKLIST, "allergy_register_good", audit.id, servery.id)
    register = register.model_copy(
        update={
            "id": "finding-register",
            "reference": "F-002",
            "review_date": date(2025, 4, 4),
            "created_at": WALK_AT,
            "updated_at": WALK_AT,
        }
    )
    action = Action(
        id="action-poster",
        audit_id=audit.id,
        finding_ids=[poster.id],
        recommendation="Move the poster to the kitchen side.",
        created_at=WALK_AT,
        updated_at=WALK_AT,
    )
    return AuditDocument(
        audit=audit, locations=[servery, hall], findings=[poster, register], actions=[action]
    )


def _without_history(text: str) -> dict:
    return {k: v for k, v in json.loads(text).items() if k not in ("trail", "imported_trail")}


def _raw(document: AuditDocument) -> dict:
    return json.loads(dump_document(document))


def _text(raw: dict) -> str:
    return json.dumps(raw)


def _rejection(data: bytes | str, **options: int) -> str:
    with pytest.raises(InterchangeError) as caught:
        parse_document(data, **options)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# --- output -------------------------------------------------------------------------------


def test_dump_is_indented_json_with_the_format_marker_first_and_unicode_as_typed() -> None:
    text = dump_document(_document(notes="Zoë saw 😀 <b>"))
    assert text.startswith('{\n  "format": "datawalk-audit",\n  "schema_version": 3,')
    assert "Zoë saw 😀 <b>" in text
    assert text.endswith("}\n")


def test_dump_does_not_depend_on_dict_insertion_order() -> None:
    document = _document()
    pin = document.audit.checklist
    reversed_content = dict(reversed(list(pin.content.items())))
    reordered = document.model_copy(
        update={
            "audit": document.audit.model_copy(
                update={"checklist": pin.model_copy(update={"content": reversed_content})}
            )
        }
    )
    assert list(reordered.audit.checklist.content) != list(pin.content)
    assert dump_document(reordered) == dump_document(document)


def _pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def _without_photo_intake(document: AuditDocument) -> AuditDocument:
    """The document less what the photo intake redoes on import: bytes, record, review flag."""
    findings = [
        finding.model_copy(
            update={
                "photos": [
                    photo.model_copy(update={"data": b"", "redaction": None, "needs_review": False})
                    for photo in finding.photos
                ]
            }
        )
        for finding in document.findings
    ]
    return document.model_copy(update={"findings": findings})


def test_photos_are_base64_text_and_come_back_as_the_same_picture_awaiting_review() -> None:
    document = _document()
    raw = _raw(document)
    encoded = raw["findings"][0]["photos"][0]["data"]
    assert base64.b64decode(encoded) == _png()
    parsed = parse_document(dump_document(document))
    photo = parsed.findings[0].photos[0]
    assert _pixels(photo.data) == _pixels(_png())
    assert photo.needs_review and photo.redaction is not None
    assert photo.redaction.confirmed_by == "" and photo.redaction.confirmed_at is None
    assert parsed.audit.site.floors[0].plan.data == _png()


def test_parse_of_a_dump_gives_the_same_document_with_photos_awaiting_review() -> None:
    document = _document()
    parsed = parse_document(dump_document(document).encode("utf-8"), rescore=False)
    assert _without_photo_intake(parsed) == _without_photo_intake(document)
    assert all(photo.needs_review for finding in parsed.findings for photo in finding.photos)


def test_scores_in_a_file_are_never_trusted() -> None:
    raw = _raw(_document())
    raw["scores"] = [{"finding_id": "finding-poster", "priority": -1, "classification": "fine"}]
    parsed = parse_document(_text(raw))
    assert parsed.scores == attach_scores(_document().model_copy(update={"scores": []})).scores
    assert {"finding_id": "finding-poster", "priority": -1, "classification": "fine"} not in (
        parsed.scores
    )


def test_a_byte_order_mark_is_accepted() -> None:
    assert parse_document(b"\xef\xbb\xbf" + dump_document(_document()).encode()).audit.id


def test_the_json_schema_is_a_valid_schema_that_a_dump_satisfies() -> None:
    schema = document_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(_raw(_document()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "datawalk-audit"}, schema)


# --- rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00{", "not UTF-8"),
        (b"PK\x03\x04\x14\x00\x00\x00", "not valid JSON"),
        ("hello, world", "not valid JSON"),
        ('{"format": "datawalk-audit", "schema_version": 1, "audit": {"id": ', "truncated"),
        ('{"format": "datawalk-audit", "notes": "cut off in the midd', "truncated"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than"),
        ('{"a": ' * 5_000 + "1" + "}" * 5_000, "nested deeper than"),
        ("[1, 2, 3]", "JSON object at the top level"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": NaN}', "NaN is not valid JSON"),
        ('{"a": Infinity}', "Infinity is not valid JSON"),
        ('{"a": "\\u0000"}', "NUL character"),
        ('{"a": "\\ud83d"}', "unpaired surrogate"),
        ('{"a": "\\ude00"}', "unpaired surrogate"),
        ('{"a": ' + "9" * 5_000 + "}", "too many digits"),
        ("{}", "no format marker"),
        ('{"format": "datawalk-workbook", "schema_version": 1}', "not a DataWalk audit document"),
        ('{"format": "datawalk-audit"}', "no whole-number schema_version"),
        ('{"format": "datawalk-audit", "schema_version": "1"}', "no whole-number schema_version"),
        ('{"format": "datawalk-audit", "schema_version": true}', "no whole-number schema_version"),
        ('{"format": "datawalk-audit", "schema_version": 4}', "update DataWalk"),
        ('{"format": "datawalk-audit", "schema_version": 0}', "unsupported schema_version 0"),
    ],
    ids=lambda value: value[:30] if isinstance(value, str | bytes) else None,
)
def test_bad_input_is_refused_with_one_line(data: bytes | str, expected: str) -> None:
    assert expected in _rejection(data)


def test_the_nesting_limit_is_exact_and_configurable() -> None:
    assert "top level" in _rejection("[" * 64 + "]" * 64)
    assert "nested deeper than 64" in _rejection("[" * 65 + "]" * 65)
    assert "nested deeper than 3" in _rejection('{"a": [{"b": [1]}]}', max_depth=3)


def test_brackets_inside_text_do_not_count_as_nesting() -> None:
    notes = "[" * 500 + ' "quoted" {' * 100
    assert parse_document(dump_document(_document(notes=notes))).findings[0].notes == notes


def test_escaped_backslashes_before_u0000_are_text_not_a_nul() -> None:
    document = _document(notes="literally \\u0000")
    assert parse_document(dump_document(document)).findings[0].notes == "literally \\u0000"


def test_an_oversized_document_is_refused_before_parsing() -> None:
    text = dump_document(_document())
    message = _rejection(text, max_bytes=len(text.encode()) - 1)
    assert "over the" in message and "limit" in message
    assert parse_document(text, max_bytes=len(text.encode())).audit.id == "audit-interchange-1"


def test_lone_surrogates_in_a_python_string_are_refused() -> None:
    assert "UTF-8 cannot encode" in _rejection('{"notes": "\ud800"}')


def test_an_oversized_file_is_refused_without_opening_it(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(5_000_001)  # sparse: the size is real, the disk space is not used
    opened: list[Path] = []
    original_open = Path.open
    monkeypatch.setattr(
        Path, "open", lambda self, *a, **k: opened.append(self) or original_open(self, *a, **k)
    )
    with pytest.raises(InterchangeError, match=r"huge.json is 5.0 MB, over the 5.0 MB limit"):
        read_document(path, max_bytes=5_000_000)
    assert opened == []


def test_a_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="cannot read"):
        read_document(tmp_path / "absent.json")


def test_schema_violations_name_their_json_paths() -> None:
    raw = _raw(_document())
    raw["findings"][1]["categories"] = []
    raw["audit"]["walk_at"] = "last Tuesday"
    raw["locations"][0]["position"] = {"x": 1.5, "y": 0.2}
    raw["findings"][0]["colour"] = "red"
    message = _rejection(_text(raw))
    assert message.startswith("not a valid audit document: ")
    assert "audit.walk_at" in message
    assert "locations[0].position.x" in message
    assert "(and 1 more)" in message


def test_schema_violations_never_echo_the_input() -> None:
    raw = _raw(_document())
    raw["findings"][0]["reach"] = "secret pupil name " * 5
    assert "secret pupil name" not in _rejection(_text(raw))


def _mutated(change) -> str:
    raw = _raw(_document())
    change(raw)
    return _text(raw)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda raw: raw["findings"][0].update(location_id="location-nowhere"),
            "findings[0].location_id 'location-nowhere' is not a location",
        ),
        (
            lambda raw: raw["locations"][0].update(floor_id="floor-attic"),
            "locations[0].floor_id 'floor-attic' is not a floor of the site",
        ),
        (
            lambda raw: raw["findings"][1].update(id="finding-poster"),
            "findings: id 'finding-poster' appears 2 times",
        ),
        (
            lambda raw: raw["locations"][1].update(id="location-servery"),
            "locations: id 'location-servery' appears 2 times",
        ),
        (
            lambda raw: raw["findings"][1].update(reference="F-001"),
            "findings: reference 'F-001' appears 2 times",
        ),
        (
            lambda raw: raw["findings"][1]["photos"].append(raw["findings"][0]["photos"][0]),
            "photos: id",
        ),
        (
            lambda raw: raw["actions"][0]["finding_ids"].append("finding-gone"),
            "actions[0].finding_ids[1] 'finding-gone' is not a finding",
        ),
        (
            lambda raw: raw["findings"][0].update(audit_id="audit-someone-else"),
            "findings[0].audit_id 'audit-someone-else' is not audit.id",
        ),
        (
            lambda raw: raw["audit"]["site"]["floors"].append(raw["audit"]["site"]["floors"][0]),
            "floor ids must be unique",
        ),
    ],
    ids=["location", "floor", "finding-id", "location-id", "reference", "photo", "action",
         "audit", "floor-id"],
)  # fmt: skip
def test_broken_references_are_refused(change, expected: str) -> None:
    assert expected in _rejection(_mutated(change))


def test_ids_unknown_to_the_pinned_checklist_are_refused() -> None:
    def unknown_category(raw: dict) -> None:
        raw["findings"][0]["categories"] = ["anaphylaxis_aai", "unicorn_allergy"]

    message = _rejection(_mutated(unknown_category))
    assert "does not match its checklist: findings[0].categories" in message
    assert "unicorn_allergy" in message


def test_a_tampered_checklist_copy_is_refused() -> None:
    def tamper(raw: dict) -> None:
        raw["audit"]["checklist"]["content"]["name"] = "Tampered"

    assert "checklist copy is unusable" in _rejection(_mutated(tamper))


def test_a_photo_that_is_not_its_media_type_is_refused() -> None:
    def swap(raw: dict) -> None:
        raw["findings"][0]["photos"][0]["data"] = base64.b64encode(b"MZ not a picture").decode()

    assert "findings[0].photos[0].data is not a image/png image" in _rejection(_mutated(swap))


def test_a_photo_without_a_redaction_record_goes_through_the_intake() -> None:
    def unredacted(raw: dict) -> None:
        raw["findings"][0]["photos"][0]["redaction"] = None

    parsed = parse_document(_mutated(unredacted))
    photo = parsed.findings[0].photos[0]
    assert photo.redaction is not None
    assert photo.needs_review


# --- trail events from a file: bounded, kept as imported history ---------------------------


def _with_event(document: AuditDocument, **fields: object) -> AuditDocument:
    """The document with one trail event as a file might hold it: unchecked, since the point is
    what the import makes of it."""
    event = TrailEvent.model_construct(
        **{
            "audit_id": document.audit.id,
            "actor": "Someone (fictional)",
            "entity": "audit",
            "entity_id": document.audit.id,
            "operation": "update",
            "changes": {},
            "id": "event-0001",
            "at": WALK_AT,
        }
        | fields
    )
    return document.model_copy(update={"trail": [event]})


def test_a_20_mb_string_in_a_trail_event_is_refused_naming_the_event() -> None:
    document = _with_event(
        _document(), id="event-huge-0001", changes={"x": {"new": "a" * 20_000_000}}
    )
    message = _rejection(dump_document(document))
    assert message.startswith("trail[0] (event 'event-huge-0001'): changes.x.new is 20,000,000")
    assert "over the 1,000 limit" in message


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"entity_id": "x" * 65}, "trail[0].entity_id: String should have at most 64 characters"),
        ({"changes": {"k" * 1_001: True}}, "changes key 'kkkk"),
        ({"changes": {f"f{i}": ["v" * 900] for i in range(20)}}, "bytes as JSON, over the 16,000"),
    ],
)
def test_a_trail_event_over_its_bounds_is_refused_with_one_line(fields, expected) -> None:
    document = _with_event(_document(), id="event-bounds-01", **fields)
    assert expected in _rejection(dump_document(document))


def test_a_file_with_too_many_or_too_large_events_is_refused(monkeypatch) -> None:
    from datawalk.interchange import history

    document = _document()
    raw = _raw(document)
    raw["trail"] = [
        _raw(_with_event(document, id=f"event-many-{i:04}"))["trail"][0] for i in range(4)
    ]
    monkeypatch.setattr(history, "MAX_EVENTS", 3)
    assert "holds 4 trail events, over the 3 limit" in _rejection(_text(raw))
    monkeypatch.setattr(history, "MAX_EVENTS", 4)
    monkeypatch.setattr(history, "MAX_HISTORY_BYTES", 500)
    assert "trail events pass" in _rejection(_text(raw))


def test_imported_history_of_another_audit_is_refused() -> None:
    raw = _raw(_with_event(_document(), id="event-other-001", audit_id="another-audit"))
    item = {
        "event": raw.pop("trail")[0],
        "source_sha256": "0" * 64,
        "imported_at": "2025-01-01T00:00:00Z",
        "imported_by": "Someone (fictional)",
    }
    raw["imported_trail"] = [item]
    message = _rejection(_text(raw))
    assert message.startswith("imported_trail[0] (event 'event-other-001'): audit_id")


def test_a_version_1_backup_without_imported_history_still_parses() -> None:
    raw = _raw(_with_event(_document(), id="event-version-1"))
    raw["schema_version"] = 1
    del raw["imported_trail"]
    backup = parse_backup(_text(raw))
    assert [event.id for event in backup.document.trail] == ["event-version-1"]
    assert backup.document.imported_trail == []
    assert backup.sha256 == hashlib.sha256(_text(raw).encode("utf-8")).hexdigest()


# --- round trip through the store ---------------------------------------------------------

_text_values = st.one_of(
    st.sampled_from(TRICKY_TEXT),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        max_size=60,
    ),
)
_required_text = _text_values.filter(lambda text: text.strip() and len(text.strip()) <= 200)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    notes=_text_values,
    opinion=_text_values,
    location_name=_required_text,
    caption=_text_values.filter(lambda text: len(text) <= 200),
    recommendation=_text_values,
    walk_at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
    ),
)
def test_export_parse_import_export_gives_the_identical_document(
    notes: str,
    opinion: str,
    location_name: str,
    caption: str,
    recommendation: str,
    walk_at: datetime,
) -> None:
    document = _document(notes=notes, overall_opinion=opinion)
    document = document.model_copy(
        update={
            "audit": document.audit.model_copy(update={"walk_at": walk_at}),
            "locations": [
                document.locations[0].model_copy(update={"name": location_name.strip()}),
                document.locations[1],
            ],
            "findings": [
                document.findings[0].model_copy(update={"photos": [_photo(caption)]}),
                document.findings[1],
            ],
            "actions": [document.actions[0].model_copy(update={"recommendation": recommendation})],
        }
    )
    first, second = Store.open("sqlite://"), Store.open("sqlite://")
    try:
        first.import_document(parse_document(dump_document(document)), "Test Consultant")
        exported = dump_document(attach_scores(first.export_document(document.audit.id)))
        restored = parse_backup(exported)
        second.import_document(
            restored.document, "Second Consultant", source_sha256=restored.sha256
        )
        again = dump_document(attach_scores(second.export_document(document.audit.id)))
    finally:
        first.close()
        second.close()
    # Identical but for history: the first database's trail is now imported history, marked
    # with the backup's SHA-256, and the second database's own trail is the restore.
    assert _without_history(again) == _without_history(exported)
    final = parse_document(again)
    assert [item.event for item in final.imported_trail] == parse_document(exported).trail
    assert {(i.source_sha256, i.imported_by) for i in final.imported_trail} == {
        (hashlib.sha256(exported.encode("utf-8")).hexdigest(), "Second Consultant")
    }
    assert [event.actor for event in final.trail] == ["Second Consultant"]
    assert final.findings[0].notes == notes
    assert final.audit.overall_opinion == opinion
    locations = {location.id: location for location in final.locations}
    assert locations["location-servery"].name == location_name.strip()
    assert final.findings[0].photos[0].caption == caption
    assert _pixels(final.findings[0].photos[0].data) == _pixels(_png())
    assert final.findings[0].photos[0].needs_review
    assert final.actions[0].recommendation == recommendation
