"""Whose media a `/media/` URL is: a file is served only to a user whose session was sent it.

Streamlit serves every media file (download-button bytes, the whole JSON backup included) to
anyone who has its URL. A valid session alone is not enough: a school viewer who is handed a
consultant's workbook URL must not get another school's data. So the gate notes, per user, every
media id the server sends down that user's websocket, and refuses a `/media/` request for an id
it never sent to the requesting user (404, as for a file that does not exist).

Kept in memory, like Streamlit's media files themselves (per process; nginx keeps a browser on
one server), and bounded: the oldest ids are forgotten first, long after Streamlit has dropped
their files.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from datawalk.ui.server.paths import MEDIA_PREFIX

# "/media/<sha224 hex>.<ext>" as Streamlit's in-memory storage names files.
_SENT_ID = re.compile(rb"/media/([0-9a-f]{16,128})")
_PATH_ID = re.compile(r"^/media/([0-9a-f]{16,128})(?:\.[A-Za-z0-9]+)?$")
MAX_IDS = 50_000


class MediaOwners:
    """Which users were sent which media ids (see the module docstring)."""

    def __init__(self, max_ids: int = MAX_IDS) -> None:
        self._owners: OrderedDict[str, set[str]] = OrderedDict()
        self._max_ids = max_ids
        self._lock = threading.Lock()

    def note_sent(self, user_id: str, payload: bytes | str | None) -> None:
        """Record every media id in a websocket frame sent to `user_id`."""
        if not payload:
            return
        data = payload.encode("utf-8", "replace") if isinstance(payload, str) else payload
        if b"/media/" not in data:
            return
        found = {match.decode("ascii") for match in _SENT_ID.findall(data)}
        with self._lock:
            for file_id in found:
                self._owners.setdefault(file_id, set()).add(user_id)
                self._owners.move_to_end(file_id)
            while len(self._owners) > self._max_ids:
                self._owners.popitem(last=False)

    def may_fetch(self, user_id: str, path: str) -> bool:
        """True when `path` is a media file this user was sent."""
        match = _PATH_ID.match(path)
        if match is None:
            return False
        with self._lock:
            return user_id in self._owners.get(match.group(1), ())


def is_media(path: str) -> bool:
    return path.startswith(MEDIA_PREFIX)


OWNERS = MediaOwners()
