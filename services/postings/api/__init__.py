"""Postings' HTTP interface."""
