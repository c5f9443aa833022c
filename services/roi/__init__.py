"""Return on investment: course designations, commitments and early release (L1800 3.9)."""
