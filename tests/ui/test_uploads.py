"""The one upload → preview → apply panel in AppTest: a file of the wrong type or over the limit
is refused with one clear error before it is read; a good file is previewed once, applied only
on the button, its success shown after the rerun and the uploader emptied; a refusal from the
preview or from the service changes nothing and offers no button."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from datawalk.errors import ValidationError
from datawalk.ui import uploads

TEXT = "text/plain"


def _panel() -> None:
    import streamlit as st

    from datawalk.errors import ValidationError
    from datawalk.ui import state, widgets

    state.show_flash()
    st.session_state.setdefault("previews", 0)
    st.session_state.setdefault("applied", [])

    def preview(file) -> str:
        st.session_state["previews"] += 1
        text = file.getvalue().decode()
        if text == "unreadable":
            raise ValidationError("The file could not be read.")
        return text

    def apply(text: str) -> str:
        if text == "refused":
            raise ValidationError("The service refused it.")
        st.session_state["applied"].append(text)
        return f"Applied {text}"

    def show(text: str):
        st.text(f"Preview of {text}")
        return widgets.Apply("Apply", "notes_apply", lambda: apply(text))

    widgets.upload_preview_apply(
        widgets.Upload(key="notes", label="Notes", types=("txt",), max_bytes=2_000_000),
        preview,
        show,
    )


def _app() -> AppTest:
    at = AppTest.from_function(_panel)
    at.run()
    assert not at.exception
    return at


def _upload(at: AppTest, name: str, data: bytes, key: str = "notes_upload_0") -> AppTest:
    at.file_uploader(key=key).set_value([(name, data, TEXT)]).run()
    assert not at.exception
    return at


def _buttons(at: AppTest) -> list[str]:
    return [button.key for button in at.button]


def test_a_good_file_is_previewed_then_applied_and_the_uploader_emptied():
    at = _upload(_app(), "walk.txt", b"staff room")
    assert "Preview of staff room" in [text.value for text in at.text]
    assert at.session_state["applied"] == []
    at.button(key="notes_apply").click().run()
    assert not at.exception and not at.error
    assert at.session_state["applied"] == ["staff room"]
    assert at.session_state["previews"] == 1, "the preview is built once per file"
    assert any("Applied staff room" in str(message.value) for message in at.success)
    assert at.file_uploader(key="notes_upload_1").value is None
    assert "notes_apply" not in _buttons(at)


def test_a_file_of_another_type_is_refused_with_the_types_accepted():
    # The uploader's own type filter stops such a file in the browser; this is the second wall.
    upload = uploads.Upload(key="notes", label="Notes", types=("yaml", "yml"), max_bytes=10)
    with pytest.raises(ValidationError, match=r"plan\.png is not a \.yaml or \.yml file"):
        uploads.check_upload(upload, SimpleNamespace(name="C:\\plans\\plan.png", size=5))
    uploads.check_upload(upload, SimpleNamespace(name="Library.YML", size=5))


def test_a_file_over_the_limit_is_refused_with_its_size_and_the_limit():
    at = _upload(_app(), "big.txt", b"x" * 2_500_000)
    (error,) = at.error
    assert "big.txt is 2.5 MB; files here may be up to 2 MB" in str(error.value)
    assert at.session_state["previews"] == 0
    assert "notes_apply" not in _buttons(at)


def test_a_preview_refusal_offers_no_button():
    at = _upload(_app(), "walk.txt", b"unreadable")
    (error,) = at.error
    assert "could not be read" in str(error.value)
    assert "notes_apply" not in _buttons(at)


def test_a_service_refusal_changes_nothing_and_keeps_the_file():
    at = _upload(_app(), "walk.txt", b"refused")
    at.button(key="notes_apply").click().run()
    (error,) = at.error
    assert "The service refused it" in str(error.value)
    assert at.session_state["applied"] == []
    assert "notes_apply" in _buttons(at), "the person can try again once it is fixed"
    assert at.file_uploader(key="notes_upload_0").value is not None
