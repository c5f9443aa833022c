"""Signed checkpoints of a service's log (size and head hash), kept outside its database so
that someone able to rewrite the database cannot also rewrite what was signed."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


@dataclass(frozen=True)
class Checkpoint:
    service: str
    size: int
    last_position: int
    head: str
    signed_at: str
    signature: str = ""

    def message(self) -> bytes:
        return json.dumps(
            {k: v for k, v in asdict(self).items() if k != "signature"},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()


def verify_signature(checkpoint: Checkpoint, public_key_pem: bytes) -> bool:
    """Check a checkpoint's signature with the public key alone (for independent replay)."""
    key = serialization.load_pem_public_key(public_key_pem)
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    # A signature that is not even base64 (a checkpoint file edited by hand) is as bad.
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


class CheckpointStore:
    """A directory: the signing key (created on first use), its public half, and the
    checkpoints as JSON lines, newest last."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._file = directory / "checkpoints.jsonl"
        self._key_file = directory / "signing-key.pem"

    def _key(self) -> Ed25519PrivateKey:
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self._key_file.exists():
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            self._key_file.write_bytes(pem)
            self._key_file.chmod(0o600)
            (self.directory / "public-key.pem").write_bytes(
                key.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            )
        loaded = serialization.load_pem_private_key(self._key_file.read_bytes(), password=None)
        assert isinstance(loaded, Ed25519PrivateKey)
        return loaded

    def public_key(self) -> Ed25519PublicKey:
        return self._key().public_key()

    def sign(
        self, *, service: str, size: int, last_position: int, head: str, at: datetime
    ) -> Checkpoint:
        unsigned = Checkpoint(service, size, last_position, head, at.isoformat())
        signature = base64.b64encode(self._key().sign(unsigned.message())).decode()
        signed = Checkpoint(service, size, last_position, head, unsigned.signed_at, signature)
        with self._file.open("a") as out:
            out.write(json.dumps(asdict(signed)) + "\n")
        return signed

    def all(self) -> list[Checkpoint]:
        if not self._file.exists():
            return []
        return [
            Checkpoint(**json.loads(line)) for line in self._file.read_text().splitlines() if line
        ]

    def valid(self, checkpoint: Checkpoint) -> bool:
        try:
            self.public_key().verify(base64.b64decode(checkpoint.signature), checkpoint.message())
        except InvalidSignature:
            return False
        return True
