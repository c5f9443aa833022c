"""Postings' read models, kept in the events' own transactions."""
