"""Postings' rules, one module per protocol section of L1800 (3.1 general considerations to
3.10 appeals) and L1 2.4 (the policy owners' exceptions). Each rule is a class named by the
id a refusal reports, citing its clause; the handlers compose them and never name an id."""
