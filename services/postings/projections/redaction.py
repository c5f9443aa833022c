"""What postings' feed withholds from readers other than auditors: the reason behind a
Professional Standards restriction (L1800 3.2.2) and welfare and health factors (3.1.3),
wherever they appear in an event."""

from __future__ import annotations

import copy
from typing import Any

from shared.roles import Role

REDACTED = "[redacted]"
#: Auditors replay everything (DOMAIN.md, 'Who acts'); everyone else gets the redacted view.
FULL_VIEW = frozenset({Role.AUDITOR})
_WELFARE_FACT_SECTIONS = ("welfare", "travel")


def redact_postings_event(envelope: dict[str, Any], reader: Role) -> dict[str, Any]:
    if reader in FULL_VIEW:
        return envelope
    out = copy.deepcopy(envelope)
    data = out["data"]
    if out["type"] in (
        "Officer.LocationRestricted",
        "Officer.RestrictionExceptionSupported",
        "Officer.RestrictionLifted",
    ):
        data["decision"]["rationale"] = REDACTED
    if out["type"] in ("Officer.LocationRestricted", "Officer.RestrictionLifted"):
        data["source"] = REDACTED
    if out["type"] in ("Officer.HomeTownExceptionGranted", "Officer.PolicyExceptionGranted"):
        data["decision"]["rationale"] = REDACTED
    if out["type"] == "TransferRequest.Submitted" and data.get("grounds") == "welfare":
        data["reasons"] = REDACTED
    if out["type"] == "Batch.Decided":
        data["results"] = REDACTED
    details = data.get("details")
    if isinstance(details, dict) and details.get("welfare_request"):
        details["welfare_request"] = REDACTED
    if "welfare_factors" in data:
        data["welfare_factors"] = REDACTED
    changes = data.get("changes")
    if isinstance(changes, dict) and "welfare_factors" in changes:
        changes["welfare_factors"] = REDACTED
    decision = data.get("decision")
    if isinstance(decision, dict):
        facts = decision.get("facts") or {}
        for section in _WELFARE_FACT_SECTIONS:
            if section in facts:
                facts[section] = REDACTED
    return out
