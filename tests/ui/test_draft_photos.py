"""A draft holding many detailed photos keeps the walk page working: the photos are stored once
each, by reference, out of the draft written on every tap, and a finding's photos are limited."""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image
from sqlalchemy import func, select

from datawalk import drafts, photo_checks
from datawalk.drafts import Draft
from datawalk.models import RedactionRecord
from datawalk.privacy.images import PHOTO_LIMITS
from datawalk.store import tables
from tests.ui.conftest import HERE
from tests.ui.walking import TEMPLATE, cap_key, errors_of, jpeg, save, walk_page


def detailed_jpeg(seed: int) -> bytes:
    """A 2,048 × 1,536 picture of noise: about as many bytes as a detailed photo can be."""
    pixels = np.random.default_rng(seed).integers(0, 256, (1536, 2048, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=85)
    return out.getvalue()


def photo(data: bytes):
    record = RedactionRecord(pipeline_version="test")
    return photo_checks.unconfirmed_photo(data, "image/jpeg", 2048, 1536, record)


def seed_draft(walk, photos: list) -> Draft:
    draft = Draft(photos=photos)
    walk.store.save_draft(
        walk.audit.id,
        walk.location.id,
        drafts.draft_to_payload(draft),
        drafts.draft_photo_blobs(draft),
        holder=HERE,
    )
    return draft


def stored_photo_rows(walk) -> int:
    with walk.store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(tables.draft_photos))


def stored_payload_bytes(walk) -> int:
    table = tables.drafts
    with walk.store.engine.connect() as connection:
        query = select(table.c.payload).where(table.c.audit_id == walk.audit.id)
        payload = connection.scalar(query)
    return len(json.dumps(payload))


def test_seven_detailed_photos_in_a_draft_leave_the_page_working(open_page, walk) -> None:
    pictures = [detailed_jpeg(seed) for seed in range(7)]
    assert sum(len(p) for p in pictures) * 4 / 3 > 16_000_000  # inline, the draft passed 16 MB
    seed_draft(walk, [photo(p) for p in pictures])

    at = walk_page(open_page, walk)
    assert not at.exception
    assert [p.data for p in at.session_state["cap_draft"].photos] == pictures

    # Each tap writes the small payload only; the photos stay stored once each.
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    assert not at.exception and not errors_of(at)
    assert stored_payload_bytes(walk) < 100_000
    assert stored_photo_rows(walk) == 7

    # A reload brings all seven back, the seventh included.
    at = walk_page(open_page, walk)
    photos = at.session_state["cap_draft"].photos
    assert [p.data for p in photos] == pictures
    for each in photos:
        at.checkbox(key=f"cap_checked_{each.id}").check().run()
    save(at)
    (finding,) = walk.store.list_findings(walk.audit.id, with_photos=True)
    assert [p.data for p in finding.photos] == pictures
    assert walk.store.load_draft(walk.audit.id, walk.location.id, holder=HERE) is None
    assert stored_photo_rows(walk) == 0


def test_a_removed_photo_leaves_the_stored_draft(open_page, walk) -> None:
    draft = seed_draft(walk, [photo(jpeg(64, 48)), photo(jpeg(80, 60))])
    at = walk_page(open_page, walk)
    at.button(key=f"cap_remove_{draft.photos[0].id}").click().run()
    assert stored_photo_rows(walk) == 1
    stored = walk.store.load_draft(walk.audit.id, walk.location.id, holder=HERE)
    assert [p["id"] for p in stored["photos"]] == [draft.photos[1].id]


def test_a_finding_holds_at_most_its_photo_limit(open_page, walk) -> None:
    limit = PHOTO_LIMITS.max_per_finding
    seed_draft(walk, [photo(jpeg(64 + n, 48)) for n in range(limit)])
    at = walk_page(open_page, walk)
    at.file_uploader(key=cap_key(at, "upload")).set_value(
        [("one-more.jpg", jpeg(), "image/jpeg")]
    ).run()
    assert f"at most {limit} photos" in errors_of(at)
    assert len(at.session_state["cap_draft"].photos) == limit
