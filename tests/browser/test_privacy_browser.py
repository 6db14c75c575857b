"""Privacy at capture in a real browser (issue 4): an uploaded photo is shown redacted and needs
the "checked" tick before the finding saves, and a UPN typed into the notes is flagged before
saving and can be replaced in one tap."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rig import AppServer, Tablet, Taps, expect_run, open_app
from stdnum.gb import upn
from walk_steps import TEMPLATE, add_location, create_audit, save, select

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PORTRAIT = Path(__file__).resolve().parents[1] / "fixtures" / "astronaut.jpg"
UPN = upn.calc_check_digit("801200005001") + "801200005001"  # fictional, valid check letter


def _findings(server: AppServer, audit_id: str) -> list[tuple[object, ...]]:
    return server.query("SELECT notes FROM findings WHERE audit_id = ?", audit_id)


def test_a_upn_and_an_unchecked_photo_are_caught_before_saving(
    ipad: Tablet, app_server: AppServer
) -> None:
    page = ipad.page
    tap = Taps(page)
    open_app(page, f"{app_server.url}/audits")
    audit_id = create_audit(tap, page, f"Fernbank {ipad.name} School (fictional)")
    add_location(tap, page, "Office corridor", "Staff room")
    select(tap, page, "Quick templates", TEMPLATE)

    notes = page.get_by_role("textbox", name="Notes", exact=True)
    notes.fill(f"Medicine box labelled {UPN}")
    with expect_run(page, "leaving the notes"):
        notes.blur()
    page.get_by_text("possible pupil identifier(s) in Notes", exact=False).wait_for()
    assert page.get_by_text(f"Unique Pupil Number: {UPN}", exact=True).is_visible()
    assert _findings(app_server, audit_id) == []

    with expect_run(page, "uploading a photo"):
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(PORTRAIT)
    page.get_by_text("I have checked this photo", exact=True).wait_for()
    preview = page.locator('[data-testid="stImage"]').filter(has_text="area(s) redacted")
    assert preview.count() == 1
    assert "Photo 1: 0 area" not in preview.inner_text()
    # The redacted preview is inline: no photo is published at a /media/ URL without a session.
    sources = page.locator('[data-testid="stImage"] img').evaluate_all("els => els.map(e => e.src)")
    assert sources and all(src.startswith("data:image/") for src in sources)

    tap(page.get_by_role("button", name="Save finding"))
    page.get_by_text("tick 'I have checked this photo'", exact=False).wait_for()
    assert _findings(app_server, audit_id) == []

    tap(page.get_by_text("I have checked this photo", exact=True))
    tap(page.get_by_role("button", name="Save finding"))
    page.get_by_text("Notes may contain a pupil identifier", exact=False).wait_for()
    assert _findings(app_server, audit_id) == []

    tap(page.get_by_role("button", name="Replace with [pupil]"))
    save(tap, page)
    ((stored,),) = _findings(app_server, audit_id)
    assert stored == "Medicine box labelled [pupil]"
    photos = app_server.query(
        "SELECT count(*) FROM photos p JOIN findings f ON f.id = p.finding_id"
        " WHERE f.audit_id = ? AND p.redaction IS NOT NULL",
        audit_id,
    )
    assert photos == [(1,)]
    assert ipad.dialogs == []


def test_a_finger_covers_a_line_of_names_with_the_box_tool(
    ipad: Tablet, app_server: AppServer
) -> None:
    """The first corner tapped is marked on the picture, and a strip laid there is covered."""
    page = ipad.page
    tap = Taps(page)
    open_app(page, f"{app_server.url}/audits")
    create_audit(tap, page, f"Hazel {ipad.name} School (fictional)")
    add_location(tap, page, "Office corridor", "Staff room")
    with expect_run(page, "uploading a photo"):
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(PORTRAIT)
    page.get_by_text("I have checked this photo", exact=True).wait_for()
    assert page.get_by_text("Cover names and medical details", exact=False).is_visible()
    caption = page.locator('[data-testid="stImage"]').filter(has_text="area(s) redacted")
    before = int(caption.inner_text().split(": ", 1)[1].split()[0])

    tap(page.get_by_role("paragraph").filter(has_text=re.compile(r"^Adjust the redaction$")))
    picture = page.frame_locator("iframe").first.locator("img")
    picture.wait_for()
    box = picture.bounding_box()
    assert box is not None and box["width"] >= 600, "the picture is too small for a finger"
    with expect_run(page, "tapping a first corner"):
        picture.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.9})
    page.get_by_text("the ring marks the first", exact=False).wait_for()
    tap(page.get_by_role("button", name="Cover a strip across here"))
    tap(page.get_by_role("paragraph").filter(has_text=re.compile(r"^Adjust the redaction$")))
    caption.wait_for()
    after = int(caption.inner_text().split(": ", 1)[1].split()[0])
    assert after == before + 1
    assert ipad.dialogs == []
