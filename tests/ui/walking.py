"""What the walk page tests share: opening the page, the capture widgets' moving keys, saving,
and a plain test photo."""

from __future__ import annotations

import io

from PIL import Image
from streamlit.testing.v1 import AppTest

from datawalk.ui.capture import SAVE_KEY

TEMPLATE = "allergy_poster_servery"
SCRIPT_NOTES = "<script>alert('x')</script> <b>bold</b> **not bold** 🍎🥜"


def cap_key(at: AppTest, field: str) -> str:
    """The capture widget's current key (it moves on when the widget is reset)."""
    return f"cap_{field}_{at.session_state['cap_gens'][field]}"


def walk_page(open_page, walk, **extra: str) -> AppTest:
    return open_page("walk", audit=walk.audit.id, location=walk.location.id, **extra)


def save_anyway(at: AppTest):
    """The one "Save anyway" tick on screen."""
    (tick,) = [box for box in at.checkbox if box.label.startswith("Save anyway")]
    return tick


def errors_of(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.error)


def save(at: AppTest) -> AppTest:
    return at.button(key=SAVE_KEY).click().run()


def jpeg(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()
