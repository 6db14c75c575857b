"""The unredacted original is never served: every photo on the walk page is an inline `data:`
URI (Streamlit's `/media/` URLs need no session), the preview is the stored redacted image, and
the original lives in server memory only until the finding is saved or cleared."""

from __future__ import annotations

import base64
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.ui.walking import TEMPLATE, cap_key, save, walk_page

PORTRAIT = (Path(__file__).resolve().parents[1] / "fixtures" / "astronaut.jpg").read_bytes()


def image_urls(at: AppTest) -> list[str]:
    return [img.url for element in at.image for img in element.proto.imgs]


def upload_portrait(at: AppTest) -> AppTest:
    return (
        at.file_uploader(key=cap_key(at, "upload"))
        .set_value([("portrait.jpg", PORTRAIT, "image/jpeg")])
        .run()
    )


def test_the_preview_is_an_inline_image_of_the_redacted_photo(open_page, walk) -> None:
    at = upload_portrait(walk_page(open_page, walk))
    assert not at.exception
    (photo,) = at.session_state["cap_draft"].photos
    (url,) = image_urls(at)
    assert url.startswith("data:image/jpeg;base64,")
    assert "/media/" not in url
    # It is the stored (redacted) image with its boxes drawn, not the upload.
    shown = base64.b64decode(url.split(",", 1)[1])
    assert shown != PORTRAIT
    assert shown == at.session_state["cap_previews"][photo.id][1]


def test_the_uploader_is_renewed_and_the_original_dropped_on_save(open_page, walk) -> None:
    at = walk_page(open_page, walk)
    first_key = cap_key(at, "upload")
    at = upload_portrait(at)
    (photo,) = at.session_state["cap_draft"].photos
    # Streamlit's own copy of the upload goes with the old widget key.
    assert cap_key(at, "upload") != first_key
    assert at.session_state["cap_originals"] == {photo.id: PORTRAIT}

    at.checkbox(key=f"cap_checked_{photo.id}").check().run()
    at.pills(key=cap_key(at, "template_id")).set_value(TEMPLATE).run()
    at = save(at)
    assert walk.store.list_findings(walk.audit.id)
    assert "cap_originals" not in at.session_state
    # The saved finding's card thumbnail is inline too: no photo ever gets a media URL.
    urls = image_urls(at)
    assert urls and all(url.startswith("data:image/") for url in urls)


def test_after_a_reload_the_page_says_the_original_is_gone(open_page, walk) -> None:
    at = upload_portrait(walk_page(open_page, walk))
    (photo,) = at.session_state["cap_draft"].photos
    assert not [c for c in at.caption if "original photo is gone" in c.value]

    reloaded = walk_page(open_page, walk)  # a new session: the draft comes back, the original not
    assert [p.id for p in reloaded.session_state["cap_draft"].photos] == [photo.id]
    assert [c for c in reloaded.caption if "original photo is gone" in c.value]
    reloaded.toggle(key=f"cap_adjust_{photo.id}").set_value(True).run()
    assert not [b for b in reloaded.button if b.key.startswith(f"cap_drop_{photo.id}")]
    assert all(url.startswith("data:image/") for url in image_urls(reloaded))


def test_clearing_the_form_drops_the_original(open_page, walk) -> None:
    at = upload_portrait(walk_page(open_page, walk))
    assert at.session_state["cap_originals"]
    at.button(key="cap_discard").click().run()
    at.button(key="cap_clear_yes").click().run()
    assert at.session_state["cap_draft"].photos == []
    assert "cap_originals" not in at.session_state
