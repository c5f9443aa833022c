"""Appeals' HTTP interface."""
