"""Charts drawn on the server as accessible SVG; each page also gives its figures as a table."""
