"""Postings: officers' postings under L1800 3.1-3.8, 1068 requests, panel sittings,
delegations and policy settings."""
