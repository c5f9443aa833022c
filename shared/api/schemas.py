"""Field types every service's request schemas share, each as long as the column that keeps
it (shared.lengths)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import StringConstraints

from shared import forms, lengths

IDENTIFIER = forms.IDENTIFIER

#: A decision's rationale: required, never blank (L1800 3.7.1, 3.7.3, 3.5.3).
Rationale = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=lengths.TEXT),
]

#: A code: a location, division, town, unit, skill, establishment key or course.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.CODE, pattern=IDENTIFIER
    ),
]

#: An officer's id.
OfficerId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.OFFICER_ID, pattern=IDENTIFIER
    ),
]

#: A person as their token's ``sub`` names them (a delegate, a unit's head, a hearer, an
#: appellant, a recipient).
PersonId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=lengths.SUBJECT, pattern=forms.SUBJECT
    ),
]

#: A person's or a place's name.
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=lengths.NAME)
]

#: A course's title.
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=lengths.TITLE)
]

#: One line of text (the level an appeal is heard at).
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=lengths.LINE)
]

#: Free text, required.
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=lengths.TEXT)
]

# -- path parameters -----------------------------------------------------------------------

#: ``{officer_id}`` in a path.
OfficerIdPath = Annotated[
    str, Path(min_length=1, max_length=lengths.OFFICER_ID, pattern=IDENTIFIER)
]

#: ``{code}``, ``{location}`` or ``{division}`` in a path.
CodePath = Annotated[str, Path(min_length=1, max_length=lengths.CODE, pattern=IDENTIFIER)]
