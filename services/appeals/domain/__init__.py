"""Appeals' aggregates and rules.

Importing the package registers the topics of classes that moved (see late_permission), so
that any reader of the stored events resolves them, whichever module it imported first."""

from services.appeals.domain import late_permission as _moved  # noqa: F401
