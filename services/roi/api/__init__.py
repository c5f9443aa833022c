"""ROI's HTTP interface."""
