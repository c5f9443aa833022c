"""L1800 3.10.1, as postings holds to it: 'The appeal decision will be final.' An upheld
appeal sets the posting decision aside, once."""

from __future__ import annotations

from shared.rules.base import Rule


class PostingIsSetAsideOnce(Rule):
    """An upheld appeal sets the posting decision aside (L1800 3.10.1): once, and not a
    posting withdrawn before the appeal was decided."""

    clause = "L1800 3.10.1"
    conflict = True
