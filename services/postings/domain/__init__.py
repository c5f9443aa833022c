"""Postings' aggregates, their events and the rules they enforce."""
