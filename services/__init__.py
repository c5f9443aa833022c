"""The three services: postings, appeals and roi."""
