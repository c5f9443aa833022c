"""The web console: pages for people, rendered on the server over the three public APIs."""
