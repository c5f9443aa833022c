"""The postings application: one method per command, grouped by what they act on."""

from services.postings.application.app import PostingsApplication, Saved

__all__ = ["PostingsApplication", "Saved"]
