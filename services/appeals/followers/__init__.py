"""What appeals does when postings' events arrive."""
