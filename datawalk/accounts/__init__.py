"""Accounts: users with roles and school scope, local sign-in (argon2id, TOTP, a rate limit kept
in the database), sessions, OpenID Connect identities and schools as records. No Streamlit.

Modules: `roles` (roles, permissions, records), `passwords`, `totp`, `rate_limit`, `sign_in`,
`sessions`, `identities`, `users`, `schools`. Functions that touch the database take the
`Workspace` the composition root opened, as the services do. Only `roles` is imported here, so
the services can name roles without loading the rest.
"""

from datawalk.accounts.roles import Permission, Role, SchoolRecord, SessionRecord, User

__all__ = ["Permission", "Role", "SchoolRecord", "SessionRecord", "User"]
