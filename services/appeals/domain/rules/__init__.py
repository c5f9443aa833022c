"""Appeals' rules, one module per protocol section: L1800 3.10 (appeals) and L1 2.4 (the
policy owners' exceptions that let a late appeal be heard)."""
