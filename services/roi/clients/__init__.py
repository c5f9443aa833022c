"""Typed httpx clients for the services roi calls (none yet)."""
