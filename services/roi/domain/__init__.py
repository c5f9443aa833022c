"""ROI's aggregates, their events and the rules they enforce."""
