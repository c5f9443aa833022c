"""The written forms of the identifiers this system takes, in one place: the API's schemas
and the token verifier read the same patterns, so a person a token names can be named in a
request, and the other way round."""

from __future__ import annotations

#: Identifiers (officer ids, codes) are ASCII, with no spaces or slashes: they travel in URL
#: paths and Location headers (latin-1), and a slash would make another path.
IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"

#: A person as the force's identity provider names them (a token's ``sub``): an
#: identifier, or an e-mail-like name (``@`` and ``+`` too); printable ASCII, no spaces.
SUBJECT = r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]*$"
