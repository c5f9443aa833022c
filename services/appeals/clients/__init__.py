"""Typed httpx clients for the services appeals reads."""
