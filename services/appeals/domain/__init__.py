"""Appeals' aggregates and rules (the Appeal aggregate arrives with the appeals issue)."""
