"""The three services' public APIs, called with the signed-in person's own token."""
