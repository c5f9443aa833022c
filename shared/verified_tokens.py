"""Bearer tokens verified a moment ago, kept so that the next request carrying the same
token is not verified again in full (issue 18: verifying a token was a tenth of what ROI
spent answering postings' question, and every request between services carries one).

A token is kept by its exact text, signature included, so a token with one byte changed is
never found here. It is kept only while every time-based check it passed would still pass
(``nbf`` and ``iat`` not in the future, ``exp`` not reached, as PyJWT checks them with no
leeway), and only for ``FRESH_FOR`` seconds after it was verified: no longer than the
identity provider's signing keys are cached (PyJWKClient keeps them for 300 seconds), so a
key withdrawn by the provider stops being trusted here no later than it would have been
anyway. Refusals are never kept: each bad token is checked in full and refused again."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.identity import Principal

#: Seconds a verified token is trusted without being verified again.
FRESH_FOR = 60.0
#: Tokens kept at most; the oldest is forgotten first.
KEPT_MAX = 4096
#: Longer tokens are verified every time rather than kept (they would hold memory).
TOKEN_LONGEST = 4096


@dataclass(frozen=True)
class _Kept:
    principal: Principal
    valid_from: float
    valid_until: float
    fresh_until: float


class VerifiedTokens:
    def __init__(self, *, fresh_for: float = FRESH_FOR, kept_max: int = KEPT_MAX) -> None:
        self._fresh_for = fresh_for
        self._kept_max = kept_max
        self._kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()

    def find(self, token: str) -> Principal | None:
        """The caller ``token`` named when it was verified, if it still would be."""
        kept = self._kept.get(token)
        if kept is None:
            return None
        now = time.time()
        if kept.valid_from <= now < kept.valid_until and time.monotonic() < kept.fresh_until:
            return kept.principal
        with self._lock:
            self._kept.pop(token, None)
        return None

    def keep(self, token: str, principal: Principal, claims: dict[str, Any]) -> None:
        """``token`` has just been verified in full, and named ``principal``."""
        if len(token) > TOKEN_LONGEST:
            return
        try:
            # As PyJWT reads them (int()); each has been checked to be a number.
            valid_from = max(
                (int(claims[name]) for name in ("nbf", "iat") if name in claims), default=0
            )
            kept = _Kept(
                principal,
                float(valid_from),
                float(int(claims["exp"])),
                time.monotonic() + self._fresh_for,
            )
        except (OverflowError, ValueError):
            # A time past what a float holds is one PyJWT compares as an integer and may
            # accept: such a token is verified in full every time, never kept, never a 500.
            return
        with self._lock:
            while len(self._kept) >= self._kept_max:
                self._kept.pop(next(iter(self._kept)))
            self._kept[token] = kept
