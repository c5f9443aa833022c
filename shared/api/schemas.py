"""Field types every service's request schemas share."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

#: A decision's rationale: required, never blank (L1800 3.7.1, 3.7.3, 3.5.3).
Rationale = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
]

#: A short identifier (officer id, location code, division). ASCII only, no spaces or
#: slashes: identifiers travel in URL paths and Location headers (latin-1), and a slash
#: would make another path.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
    ),
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
