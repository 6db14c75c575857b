"""The shared frame every page sits in: page config and the touch-friendly stylesheet.

The stylesheet is a static string (no user text ever reaches it) injected through `st.html`,
which takes no layout space. Streamlit's default heights (32 px pills, 40 px buttons) are below
the 44 px touch target an iPad needs; the selectors were measured in Chromium on Streamlit 1.67.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

APP_TITLE = "DataWalk"

TOUCH_CSS = """<style>
[data-testid="stButtonGroup"] button{min-height:48px;min-width:48px;padding:8px 18px}
[data-testid="stButtonGroup"]{gap:8px;flex-wrap:wrap}
.stButton button,.stFormSubmitButton button,.stDownloadButton button{min-height:48px}
[data-testid="stPageLink"] a{min-height:48px;display:flex;align-items:center}
[data-testid="stFileUploader"] button,[data-testid="stCameraInput"] button{min-height:48px}
[data-testid="stExpander"] summary{min-height:48px;display:flex;align-items:center}
[data-testid="stCheckbox"] label{min-height:44px;display:flex;align-items:center}
.stTextInput input,.stDateInput input,.stTimeInput input,.stNumberInput input{min-height:44px}
.stTextArea textarea{min-height:88px}
[data-baseweb="select"]>div{min-height:44px}
.react-aria-ComboBox>[role="group"],[data-testid="stDateInputField"],[data-testid="stTimeInputTimeDisplay"]{min-height:44px}
[data-testid="stMainBlockContainer"]{max-width:100%;padding:4rem 1rem 4rem 1rem}
[data-testid="stSidebarNavLink"]{min-height:44px}
[data-testid="stExpandSidebarButton"],[data-testid="stMainMenuButton"],
[data-testid="stSidebarCollapseButton"] button{min-width:44px;min-height:44px}
[data-testid="stTooltipIcon"] button,button[aria-label^="Help for"]{min-width:44px;min-height:44px}
[data-testid="stElementToolbar"] button{min-width:44px;min-height:44px}
[data-testid="stDateInput"] button,[data-baseweb="select"] [role="button"],
[data-baseweb="select"] button,button[aria-haspopup="listbox"]{min-width:44px;min-height:44px}
img{max-width:100%;height:auto}
[data-testid="stLayoutWrapper"]:has(> .st-key-cap_actions){position:sticky;bottom:0;z-index:99;
background:#FAFAF7;border-top:1px solid #C9D3CF;padding:8px 0 4px 0}
</style>"""


# A local file, not a Material icon name: those make every browser fetch from a font CDN.
ICON_PATH = Path(__file__).with_name("static") / "icon.png"


def set_page_frame() -> None:
    """Set the page config and inject the touch stylesheet; call once per run, first."""
    st.set_page_config(
        page_title=APP_TITLE,
        page_icon=str(ICON_PATH),
        layout="wide",
        initial_sidebar_state="collapsed",
    )
    st.html(TOUCH_CSS)
