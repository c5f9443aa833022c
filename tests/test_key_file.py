"""An export's key file handed to a replay (``python -m shared.cli replay --keys``): one that
is not what export wrote is refused with a line naming what is wrong, before anything is
read with it, never a traceback."""

from __future__ import annotations

import argparse
import base64
from pathlib import Path

import pytest

from shared.cli_audit import cmd_replay
from shared.sealing import KEY_BYTES, HeldKeys, KeyFileError

GOOD = base64.b64encode(bytes(range(KEY_BYTES))).decode()


def _replay(tmp_path: Path, key_file: str) -> argparse.Namespace:
    # The export is never opened: the key file is read first.
    return argparse.Namespace(
        export=str(tmp_path / "no-export.jsonl"), checkpoints=None, states=None, keys=key_file
    )


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("not json", "cannot read the key file"),
        ("null", 'no "keys" object'),
        ('{"service": "postings"}', 'no "keys" object'),
        ('{"keys": ["B1"]}', 'no "keys" object'),
        ('{"keys": {"B1": null}}', "officer 'B1'"),
        ('{"keys": {"B1": "***"}}', "officer 'B1'"),
        ('{"keys": {"B1": "' + base64.b64encode(b"short").decode() + '"}}', "officer 'B1'"),
        ('{"keys": {"B1": "' + GOOD + '", "B2": 7}}', "officer 'B2'"),
    ],
)
def test_a_key_file_that_is_not_one_is_refused_naming_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, named: str
) -> None:
    key_file = tmp_path / "postings.keys"
    key_file.write_text(content)
    assert cmd_replay(_replay(tmp_path, str(key_file))) == 2
    err = capsys.readouterr().err
    assert err.startswith("replay: ")
    assert named in err
    assert "Traceback" not in err


def test_a_missing_key_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd_replay(_replay(tmp_path, str(tmp_path / "absent.keys"))) == 2
    assert "cannot read the key file" in capsys.readouterr().err


def test_an_exports_key_file_holds_its_keys_and_lacks_the_rest() -> None:
    held = HeldKeys.from_export({"service": "postings", "keys": {"B1": GOOD}})
    assert held.for_reading("B1") == bytes(range(KEY_BYTES))
    assert held.for_reading("B2") is None
    with pytest.raises(KeyFileError):
        HeldKeys.from_export({"keys": {"B1": GOOD + "="}})


def test_a_refusal_names_a_long_officer_id_by_its_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "postings.keys"
    key_file.write_text('{"keys": {"' + "B" * 100_000 + '": "***"}}')
    assert cmd_replay(_replay(tmp_path, str(key_file))) == 2
    err = capsys.readouterr().err
    assert f"officer '{'B' * 40}'..." in err
    assert len(err) < 200
