"""Helpers for the test suite: databases, live servers, tokens."""
