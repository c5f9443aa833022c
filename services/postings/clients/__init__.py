"""Typed httpx clients for the services postings asks (the ROI question: issue 4)."""
