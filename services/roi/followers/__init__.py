"""What roi does when another service's events arrive (none yet)."""
