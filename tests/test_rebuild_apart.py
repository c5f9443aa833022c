"""A rebuild that decodes on a second process (shared.decoding) fails whole when that
process cannot do its part: the rebuild raises, and its transaction rolls back."""

from __future__ import annotations

import pytest

from services.postings.application import PostingsApplication
from shared.decoding import decoded_pages


def test_a_decoder_that_cannot_read_the_log_is_an_error_not_an_empty_log() -> None:
    # Nothing listens on port 1: the decoder's first read fails.
    nowhere = "postgresql+psycopg://postgres@127.0.0.1:1/postings"
    with pytest.raises(RuntimeError, match="decoder failed"):
        list(decoded_pages(PostingsApplication, nowhere, page_size=10))
