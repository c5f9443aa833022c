"""Appeals' read models."""
