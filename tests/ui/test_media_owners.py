"""A `/media/` file is served only to a user whose own websocket was sent its URL: another
signed-in user (of another role or school) gets "not found", and no session gets 403."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from datawalk.accounts import sessions, users
from datawalk.services import Actor
from datawalk.settings import Settings
from datawalk.ui.server import context as context_module
from datawalk.ui.server import media_owners
from datawalk.ui.server.context import ServerContext
from datawalk.ui.server.cookies import SESSION_COOKIE, sign
from datawalk.ui.server.gate import SignInGate
from datawalk.ui.server.media_owners import MediaOwners

SECRET = "media owners test secret"
FILE_ID = "3f" * 28  # as Streamlit names a file: sha224 hex
MEDIA = f"/media/{FILE_ID}.xlsx"


async def _file(request):
    return PlainTextResponse("workbook bytes")


async def _stream(websocket: WebSocket) -> None:
    """Send the media URL down the websocket, as a download button's click does."""
    await websocket.accept()
    await websocket.send_bytes(b"\x0a\x12deferred" + f"http://testserver{MEDIA}".encode())
    await websocket.close()


@pytest.fixture
def clients(tmp_path, monkeypatch) -> Iterator[dict[str, TestClient]]:
    """Test clients for two signed-in users and one with no session, through the real gate."""
    url = f"sqlite:///{tmp_path / 'gate.db'}"
    context = ServerContext(Settings(database_url=url, session_secret=SECRET))
    monkeypatch.setattr(context_module, "_CURRENT", [context])
    monkeypatch.setattr(media_owners, "OWNERS", MediaOwners())
    monkeypatch.setattr("datawalk.ui.server.gate.OWNERS", media_owners.OWNERS)
    app = Starlette(
        routes=[Route("/media/{name}", _file), WebSocketRoute("/_stcore/stream", _stream)],
        middleware=[Middleware(SignInGate)],
    )
    made: dict[str, TestClient] = {"nobody": TestClient(app)}
    operator = Actor.operator("Set-up")
    for role in ("admin", "consultant", "school_viewer"):
        user = users.create_user(
            context.workspace,
            operator,
            display_name=f"{role} person",
            email=f"{role}@example.org",
            role=role,
            password="a long fictional password",
            totp_required=False,
        ).user
        token = sessions.create_session(context.workspace, user.id, f"device-{role}-0001").token
        made[role] = TestClient(app, cookies={SESSION_COOKIE: sign(token, SECRET.encode())})
    yield made
    context.workspace.close()


def test_a_media_file_is_served_only_to_the_user_who_was_sent_it(clients) -> None:
    assert clients["consultant"].get(MEDIA).status_code == 404  # not sent to anyone yet
    with clients["consultant"].websocket_connect("/_stcore/stream") as ws:
        assert MEDIA.encode() in ws.receive_bytes()
    assert clients["consultant"].get(MEDIA).text == "workbook bytes"
    # Another role's session, an admin's included, and no session at all.
    assert clients["school_viewer"].get(MEDIA).status_code == 404
    assert clients["admin"].get(MEDIA).status_code == 404
    assert clients["nobody"].get(MEDIA).status_code == 403


def test_the_record_is_bounded_and_forgets_the_oldest_first() -> None:
    owners = MediaOwners(max_ids=2)
    ids = [f"{n:02x}" * 28 for n in range(3)]
    for file_id in ids:
        owners.note_sent("u1", f'"/media/{file_id}.png"')
    assert not owners.may_fetch("u1", f"/media/{ids[0]}.png")
    assert owners.may_fetch("u1", f"/media/{ids[2]}.png")
    assert not owners.may_fetch("u2", f"/media/{ids[2]}.png")
    assert not owners.may_fetch("u1", f"/media/{ids[2]}.png/../x")
