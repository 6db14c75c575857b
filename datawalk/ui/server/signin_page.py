"""The sign-in page as plain HTML: served by a route before any Streamlit session exists.

A real form (not a Streamlit widget) so the browser's password manager and the iPad's one-time
code autofill work, and so a password never travels over Streamlit's websocket. Every piece of
text that is not ours is escaped. Touch targets are at least 48 px; the page fits 320 px wide.
Pure: builds strings, no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#FAFAF7;color:#0B1416;
margin:0;display:flex;justify-content:center}
main{width:100%;max-width:26rem;padding:2rem 1.25rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
p.lead{margin:0 0 1.5rem;color:#33403F}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input{box-sizing:border-box;width:100%;min-height:48px;font-size:1.05rem;padding:.5rem .75rem;
border:1px solid #5B6B69;border-radius:8px;background:#fff;color:#0B1416}
button,a.button{box-sizing:border-box;display:block;width:100%;min-height:48px;margin-top:1.25rem;
font-size:1.05rem;font-weight:600;border-radius:8px;border:0;background:#2F6F6A;color:#fff;
text-align:center;text-decoration:none;line-height:48px;padding:0 1rem;cursor:pointer}
a.button.secondary{background:#EDF2EF;color:#0B1416;border:1px solid #5B6B69}
.note{font-size:.95rem;color:#33403F;margin-top:.35rem}
.problem{border-left:6px solid #B3261E;background:#FDECEA;padding:.75rem 1rem;margin:0 0 1rem}
.info{border-left:6px solid #2F6F6A;background:#EDF2EF;padding:.75rem 1rem;margin:0 0 1rem}
hr{border:0;border-top:1px solid #C9D3D1;margin:2rem 0 1rem}
"""


@dataclass(frozen=True)
class SignInView:
    """What the sign-in page shows; every field is plain text, escaped when drawn."""

    next_path: str = "/"
    csrf: str = ""
    account: str = ""
    problem: str | None = None
    info: str | None = None
    # False when a password sent from here could cross a network in clear text.
    credentials_allowed: bool = True
    # (label, href) for each OpenID Connect provider configured.
    providers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _form(view: SignInView) -> str:
    if not view.credentials_allowed:
        return (
            '<p class="problem" role="alert">This connection is not encrypted, so DataWalk will '
            "not accept a password or code over it. Open DataWalk at its https:// address, or "
            "ask whoever runs it to serve it over HTTPS.</p>"
        )
    return f"""
<form method="post" action="/signin" autocomplete="on">
  <input type="hidden" name="next" value="{escape(view.next_path)}">
  <input type="hidden" name="csrf" value="{escape(view.csrf)}">
  <label for="account">Email</label>
  <input id="account" name="account" type="text" inputmode="email" autocomplete="username"
    autocapitalize="none" spellcheck="false" required maxlength="200"
    value="{escape(view.account)}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password"
    required maxlength="1024">
  <label for="code">Code from your authenticator app</label>
  <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
    pattern="[0-9 ]*" maxlength="8">
  <p class="note">Six digits. Leave it empty only if your account has no second factor.</p>
  <button type="submit">Sign in</button>
</form>"""


def _providers(view: SignInView) -> str:
    if not view.providers:
        return ""
    links = "".join(
        f'<a class="button secondary" href="{escape(href)}">Sign in with {escape(label)}</a>'
        for label, href in view.providers
    )
    return f"<hr><p>Or use your school account:</p>{links}"


def render_sign_in(view: SignInView) -> str:
    """Return the whole sign-in page."""
    problem = f'<p class="problem" role="alert">{escape(view.problem)}</p>' if view.problem else ""
    info = f'<p class="info" role="status">{escape(view.info)}</p>' if view.info else ""
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>Sign in · DataWalk</title><style>{_STYLE}</style></head>
<body><main>
<h1>DataWalk</h1><p class="lead">Sign in to continue.</p>
{info}{problem}{_form(view)}{_providers(view)}
</main></body></html>"""


def sso_start_href(provider: str, next_path: str) -> str:
    """The link that starts single sign-on with `provider` and comes back to `next_path`."""
    return "/signin/sso?" + urlencode({"provider": provider, "next": next_path})
