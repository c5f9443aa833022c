"""A rebuild that decodes on a second process (shared.decoding) fails whole when that
process cannot do its part: the rebuild raises, and its transaction rolls back."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.postings.application import PostingsApplication
from shared.decoding import Decoder
from shared.sealing import DISPOSED

# force_client is this module's ``client`` fixture: postings with the force set up.
from tests.force import expect, force_client  # noqa: F401
from tests.helpers import HR, officer_body


def test_a_decoder_that_cannot_read_the_log_is_an_error_not_an_empty_log() -> None:
    # Nothing listens on port 1: the decoder's first read fails.
    nowhere = "postgresql+psycopg://postgres@127.0.0.1:1/postings"
    with (
        pytest.raises(RuntimeError, match="decoder failed"),
        Decoder(PostingsApplication, nowhere, page_size=10) as decoder,
    ):
        list(decoder.pages())


def test_a_decoder_started_early_reads_the_log_as_it_is_when_told(client: TestClient) -> None:
    """The rebuild starts its decoder before it holds the log, so the decoder must read
    what is committed when told to read (after the log is held), not when it started."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    application = runtime.application
    url = application.db.url.render_as_string(hide_password=False)
    with Decoder(type(application), url, page_size=10) as decoder:
        assert decoder.ready(timeout=120)
        expect(
            client.post("/officers", json=officer_body("K900", name="Kit Late"), headers=HR), 201
        )
        events = [event for page in decoder.pages() for _, event in page]
    registered = [event for event in events if getattr(event, "officer_id", None) == "K900"]
    # K900's key was made after the decoder started: it reads the keys when told, too.
    assert [event.name for event in registered] == ["Kit Late"]


def test_keys_as_read_open_what_the_database_would_and_nothing_after_a_disposal(
    client: TestClient,
) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    keyring = runtime.application.keyring
    expect(client.post("/officers", json=officer_body("K901"), headers=HR), 201)
    with runtime.db.unit_of_work(write=True):
        live = keyring.for_reading("K100")
        keyring.dispose("K901")
    with runtime.db.unit_of_work(write=False):
        keys = keyring.as_read_now()
    assert live is not None
    assert keys.for_reading("K100") == live
    assert keys.for_reading("K901") is None
    assert keys.for_reading("K999") is None  # never had a key
    assert keys.missing == DISPOSED
    with pytest.raises(PermissionError):
        keys.for_writing("K100")


def test_a_decoder_ends_with_the_rebuild_however_that_ends() -> None:
    nowhere = "postgresql+psycopg://postgres@127.0.0.1:1/postings"
    with Decoder(PostingsApplication, nowhere, page_size=10) as decoder:
        process = decoder._process
        assert decoder.ready(timeout=120)
    assert not process.is_alive()
