"""User text quoted in messages and Markdown stays inert: no links, images, directives or maths."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from datawalk.ui.text import escape_markdown, escape_message

HOSTILE = "[click](https://evil.example) ![x](y.png) :red[alarm] $x^2$ <b>bold</b> `code`"
LIVE = re.compile(r"(?<!\\)[\[\]<>$`]")


def _unescape(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text):
            index += 1
        out.append(text[index])
        index += 1
    return "".join(out)


def test_a_message_quoting_hostile_text_keeps_no_markdown_syntax_live() -> None:
    escaped = escape_message(f"Oak Class · {HOSTILE}: not saved.")

    assert LIVE.search(escaped) is None
    assert escaped.startswith("Oak Class · ")
    assert escaped.endswith(": not saved.")


@given(st.text(alphabet=st.characters(blacklist_characters="\r\n")))
def test_escaping_only_adds_backslashes(text: str) -> None:
    for escape in (escape_message, escape_markdown):
        assert _unescape(escape(text)) == text


def test_newlines_become_markdown_line_breaks() -> None:
    for escape in (escape_message, escape_markdown):
        assert escape("one\r\ntwo\nthree") == "one  \ntwo  \nthree"
