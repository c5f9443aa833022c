"""Value objects postings' events hold."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class GeoPoint:
    """A place on the map (WGS84 degrees)."""

    lat: float
    lon: float

    def km_to(self, other: GeoPoint) -> float:
        """Great-circle distance: a floor on the real journey, recorded as such."""
        p1, p2 = math.radians(self.lat), math.radians(other.lat)
        dp, dl = p2 - p1, math.radians(other.lon - self.lon)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class PdrCycle:
    """An officer's current annual PDR: when it falls due and, once done, when it was
    completed (L1800 3.1.4)."""

    due_on: date
    completed_on: date | None = None

    @property
    def completed(self) -> bool:
        return self.completed_on is not None
