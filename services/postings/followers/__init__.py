"""What postings does when another service's events arrive (appeals' outcomes: issue 5)."""
