"""Typed httpx clients for the services roi asks (postings: delegations)."""
