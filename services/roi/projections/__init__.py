"""ROI's read models."""
