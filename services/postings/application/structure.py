"""Commands on the force's structure: units with their heads, and the establishment."""

from __future__ import annotations

from services.postings.application.exceptions import ExceptionCommands
from services.postings.application.saved import Saved
from services.postings.domain.establishment import Establishment, establishment_id
from services.postings.domain.unit import Unit, unit_id
from shared.errors import Conflict
from shared.identity import Principal


class StructureCommands(ExceptionCommands):
    def register_unit(
        self, *, principal: Principal, code: str, name: str, kind: str, head_id: str | None
    ) -> Saved:
        if unit_id(code) in self.repository:
            raise Conflict(f"unit {code} is already registered")
        unit = Unit.register(
            code=code,
            name=name,
            kind=kind,
            head_id=head_id,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(unit)

    def unit(self, code: str) -> Unit | None:
        if unit_id(code) not in self.repository:
            return None
        return self.load(unit_id(code), Unit, what="unit")

    def change_unit_head(self, *, principal: Principal, code: str, head_id: str | None) -> Saved:
        unit = self.load(unit_id(code), Unit, what="unit")
        unit.change_head(
            head_id=head_id,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(unit)

    def set_establishment(
        self, *, principal: Principal, division: str, category: str, key: str, target: int
    ) -> Saved:
        """HR Resource Planning sets a target for a division (L1800 3.1.2-3.1.3)."""
        if establishment_id(division) in self.repository:
            establishment = self.load(
                establishment_id(division), Establishment, what="establishment"
            )
        else:
            establishment = Establishment.start(division=division, at=self.clock.now())
        establishment.set_target(
            category=category,
            key=key,
            target=target,
            actor_id=principal.subject,
            actor_role=principal.role,
            at=self.clock.now(),
        )
        return self._saved(establishment)
