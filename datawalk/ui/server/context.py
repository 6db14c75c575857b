"""What the sign-in routes and the gate share in one server process: the settings, the session
secret and the database, opened once. Pure of streamlit: the routes run outside any script.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

from datawalk.services import Workspace
from datawalk.settings import Settings
from datawalk.ui.server.client import parse_proxies
from datawalk.ui.server.cookies import load_secret


@dataclass
class ServerContext:
    """One per process; `ServerContext.current()` builds it on first use."""

    settings: Settings

    @cached_property
    def trusted_proxies(self) -> frozenset[str]:
        return parse_proxies(self.settings.trusted_proxies)

    @cached_property
    def session_secret(self) -> bytes:
        return load_secret(self.settings.session_secret)

    @cached_property
    def workspace(self) -> Workspace:
        """The database, opened as the pages open it (a brand-new one gets the sample walk),
        because the first request of a fresh install may reach the gate before any page."""
        with _OPEN_LOCK:
            return Workspace.open(self.settings.database_url, sample_if_new=True)

    @classmethod
    def current(cls) -> ServerContext:
        """The process's context, made from the environment on first use."""
        with _OPEN_LOCK:
            if not _CURRENT:
                _CURRENT.append(cls(Settings.from_environment()))
            return _CURRENT[0]


_OPEN_LOCK = threading.RLock()
_CURRENT: list[ServerContext] = []
