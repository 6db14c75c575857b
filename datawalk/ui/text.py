"""Escaping user text for Streamlit's Markdown: the one place it is done.

Markdown is not HTML (Streamlit renders no raw HTML without `unsafe_allow_html`), but user text can
still carry links, images, colour directives or LaTeX. Everything a user typed or uploaded is
escaped before it reaches `st.markdown`, `st.error` or a flash message.
"""

from __future__ import annotations

import re

# Every ASCII punctuation mark that Markdown or Streamlit's directives (:red[..], :icon:, $..$)
# could read as syntax; a backslash makes each one literal.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=\"'])")


def escape_markdown(text: str) -> str:
    """Return `text` with every Markdown-special character escaped, newlines kept as breaks."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")


# Only what can turn a message into a link, an image, a colour directive, code, maths or a
# table: enough to keep quoted user text inert while ordinary punctuation stays readable.
_MESSAGE_SPECIAL = re.compile(r"([\\`*\[\]<>$~|])")


def escape_message(text: str) -> str:
    """Return a status message (error, flash) with any user text it quotes made inert."""
    return _MESSAGE_SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "  \n")
