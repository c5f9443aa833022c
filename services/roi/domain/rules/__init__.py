"""ROI's rules, one module per protocol section: L1800 3.9 (return on investment). Each is a
class named by the id a refusal reports, citing its clause."""
