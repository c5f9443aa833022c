"""The benchmark (issue 8): ``./dev bench`` runs the three services on PostgreSQL over
loopback HTTP, measures them and writes docs/performance.md. Never part of the tests."""
