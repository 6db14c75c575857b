"""The app's pages and their URL paths, in one table.

`streamlit_app.py` builds `st.navigation` from `PAGES`, and pages link to each other through
`page_file`, so adding a page (dashboard, actions, export, settings) is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    """One page: its script file (relative to streamlit_app.py) and its URL path."""

    file: str
    url_path: str
    title: str
    icon: str
    default: bool = False
    visible: bool = True


PAGES: tuple[Route, ...] = (
    # Streamlit serves the default page at "/" only, so "/audits" needs a page of its own; the
    # hidden start page sends "/" on to it.
    Route("datawalk/ui/pages/start.py", "start", "DataWalk", ":material/home:", True, False),
    Route("datawalk/ui/pages/audits.py", "audits", "Audits", ":material/assignment:"),
    Route("datawalk/ui/pages/portfolio.py", "portfolio", "Portfolio", ":material/school:"),
    Route("datawalk/ui/pages/walk.py", "walk", "Walk", ":material/directions_walk:"),
    Route("datawalk/ui/pages/findings.py", "findings", "Findings", ":material/table_rows:"),
    Route("datawalk/ui/pages/actions.py", "actions", "Action plan", ":material/checklist:"),
    Route("datawalk/ui/pages/export.py", "export", "Export", ":material/download:"),
    Route("datawalk/ui/pages/dashboard.py", "dashboard", "Dashboard", ":material/dashboard:"),
    Route("datawalk/ui/pages/settings.py", "settings", "Settings", ":material/settings:"),
    Route("datawalk/ui/pages/trail.py", "trail", "Audit trail", ":material/history:", False, False),
)


def page_file(url_path: str) -> str:
    """Return the script file of the page served at `url_path`, for page_link and switch_page.

    Raises:
        KeyError: no page has that URL path (a programming error, not a user one).
    """
    for route in PAGES:
        if route.url_path == url_path:
            return route.file
    raise KeyError(url_path)
