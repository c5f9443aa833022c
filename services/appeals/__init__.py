"""Appeals: appeals against posting decisions (L1800 3.10.1)."""
