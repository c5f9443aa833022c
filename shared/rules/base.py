"""What a rule is: a class whose name is the id a refusal reports, carrying the clause it
rests on, with a check that returns the violations it finds (empty when the rule is met),
so a refusal can give every reason at once.

A rule id is never written as a string: it is the class name, so grepping an id from a 422
lands on the one definition, and a renamed rule cannot leave a stale id behind."""

from __future__ import annotations

import re
from typing import Any, ClassVar, NoReturn

from shared.errors import Conflict, NotPermitted, RulesBroken, Violation

#: "L1800 3.7.1", or a named section of L1 that carries no number ("L1 Retention &
#: Disposal of Records").
CLAUSE = re.compile(r"^(L1800|L1) (\d+(\.\d+)*|[A-Z][A-Za-z&' ]+)$")

#: Every rule defined, by id: a second definition of one id is refused at import.
REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """Base of every rule. Subclasses set ``clause`` and define their own ``check``."""

    #: The clause of L1800 or L1 the rule rests on.
    clause: ClassVar[str]
    #: True when the rule is about the record's state (already decided, already moved), which
    #: answers 409; False when it is about what the request asks, which answers 422.
    conflict: ClassVar[bool] = False
    #: The id a refusal reports: the class name.
    id: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.id = cls.__name__
        clause = cls.__dict__.get("clause")
        if clause is None or not CLAUSE.match(clause):
            raise TypeError(f"rule {cls.id} must cite its clause, e.g. 'L1800 3.7.1'")
        if not (cls.__doc__ or "").strip():
            raise TypeError(f"rule {cls.id} must say what it holds, citing its clause")
        if cls.id in REGISTRY and REGISTRY[cls.id] is not cls:
            raise TypeError(f"rule id {cls.id} is defined twice")
        REGISTRY[cls.id] = cls

    @classmethod
    def violation(
        cls, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> Violation:
        return Violation(
            rule=cls.id,
            message=message,
            clause=cls.clause,
            field=field,
            details=details or {},
            conflict=cls.conflict,
        )

    @classmethod
    def broken(
        cls, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> list[Violation]:
        """The one violation this rule reports, as the list a check returns."""
        return [cls.violation(message, field=field, details=details)]

    @classmethod
    def refuse(
        cls, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> NoReturn:
        """Refuse now: for guards inside an aggregate, where there is nothing else to
        gather."""
        violation = cls.violation(message, field=field, details=details)
        if cls.conflict:
            raise Conflict(message, violations=[violation])
        raise RulesBroken([violation])

    @classmethod
    def forbid(
        cls, message: str, *, field: str | None = None, details: dict[str, Any] | None = None
    ) -> NoReturn:
        """Refuse the caller's authority (403), naming this rule."""
        raise NotPermitted(
            message, violations=[cls.violation(message, field=field, details=details)]
        )
