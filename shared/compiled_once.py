"""A statement built with SQLAlchemy's Core, compiled once for PostgreSQL and sent to the
driver itself (``shared.driver``, ADR 0033): for the few statements every decision sends
that return or take typed values (its records read ahead with the officer's key, the
strength at both ends, the posting's row written and returned, the officer's row moved
on). ``as_sent`` gives the text and values without sending them, for a write that travels
inside another statement (the kept answer, ADR 0038).

SQLAlchemy keeps each of these compiled, yet for every execution it still built an
execution context, looked its statement up in the cache by key, walked the parameters and
built a result: about a tenth of postings' CPU in a decision went there, beside the
driver's own work (py-spy). What it does to the values is done here too, worked out once
per set of parameter names:

- each value goes through its type's bind processing, and the statement's own values
  (a literal, a constant compared against) are sent as SQLAlchemy would send them;
- each column of a result goes through its type's result processing, and rows answer to
  their columns' names (``row.key``, ``row._asdict()``), as SQLAlchemy's rows do;
- errors are handled by SQLAlchemy's own handling (``shared.driver``).

Where the statement takes something this does not do (SQLite, a list expanded when it
runs, a name that needs escaping, a default made in Python, a NUMERIC column, a column
name that cannot name an attribute), it runs through SQLAlchemy as before, with the same
rows. ``insert_if_absent`` (``shared.db``) sends its INSERT ... ON CONFLICT this way too."""

from __future__ import annotations

import keyword
from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ARRAY, Executable, Numeric, TypeDecorator
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeEngine

from shared import driver

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Form:
    """The statement as PostgreSQL is sent it for one set of parameter names."""

    sql: str
    #: The statement's own values, processed: sent with every execution.
    constants: dict[str, Any]
    #: Each value the caller gives, with its type's bind processing (or None).
    given: tuple[tuple[str, Processor | None], ...]
    #: The rows' class, and each column's result processing (None where it has none).
    row: Callable[..., Any] | None
    results: tuple[Processor | None, ...]


class CompiledOnce:
    """``statement``, compiled for PostgreSQL once per set of parameter names it is given."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._forms: dict[tuple[Dialect, frozenset[str]], _Form | None] = {}

    def run(self, session: Session, params: Mapping[str, Any]) -> driver.Sent:
        """The statement with ``params`` in the unit of work's transaction, its rows read
        whole."""
        connection = session.connection()
        dialect = connection.dialect
        form = self._form(dialect, params) if dialect.name == "postgresql" else None
        if form is None:
            result = cast(CursorResult[Any], session.execute(self.statement, dict(params)))
            return driver.Sent(list(result) if result.returns_rows else [])
        sent = driver.send_on(connection, form.sql, self._values(form, params))
        if form.row is None:
            return sent
        return driver.Sent([_processed(form, row) for row in sent.all()])

    def as_sent(self, dialect: Dialect, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The text and values ``run`` would send PostgreSQL, for a caller that sends them
        inside a statement of its own (``shared.log_write.with_the_ordering``). Raises
        ``ValueError`` where ``run`` would go through SQLAlchemy instead."""
        form = self._form(dialect, params) if dialect.name == "postgresql" else None
        if form is None:
            raise ValueError("this statement is sent through SQLAlchemy, not as text")
        return form.sql, self._values(form, params)

    @staticmethod
    def _values(form: _Form, params: Mapping[str, Any]) -> dict[str, Any]:
        values = dict(form.constants)
        try:
            for name, process in form.given:
                value = params[name]
                values[name] = value if process is None else process(value)
        except KeyError as exc:
            raise StatementError(
                f"A value is required for bind parameter {exc.args[0]!r}",
                form.sql,
                dict(params),
                None,
            ) from exc
        except Exception as exc:
            # As SQLAlchemy says it of a value it cannot send.
            raise StatementError(str(exc), form.sql, dict(params), exc) from exc
        return values

    def _form(self, dialect: Dialect, params: Mapping[str, Any]) -> _Form | None:
        key = (dialect, frozenset(params))
        try:
            return self._forms[key]
        except KeyError:
            # Two threads compiling the same form at once both store an equal one.
            form = self._forms[key] = _compiled(self.statement, dialect, key[1])
            return form


def _processed(form: _Form, row: tuple[Any, ...]) -> Any:
    assert form.row is not None
    return form.row(*(v if p is None else p(v) for v, p in zip(row, form.results, strict=True)))


def _compiled(statement: Executable, dialect: Dialect, names: frozenset[str]) -> _Form | None:
    assert isinstance(statement, ClauseElement)  # a Core statement, as the class says
    compiled = statement.compile(dialect=dialect, column_keys=sorted(names))
    assert isinstance(compiled, SQLCompiler)
    if (
        compiled.escaped_bind_names
        or compiled.positiontup
        or compiled.post_compile_params
        # Values SQLAlchemy makes for columns not given (a default, an onupdate).
        or compiled.insert_prefetch
        or compiled.update_prefetch
    ):
        return None  # sent through SQLAlchemy, which does these
    constants: dict[str, Any] = {}
    given: list[tuple[str, Processor | None]] = []
    seen: set[str] = set()
    for bind, name in compiled.bind_names.items():
        if name in seen:
            continue  # a parameter used twice is sent once
        seen.add(name)
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if name in names:
            given.append((name, process))
        elif bind.callable is not None or (bind.required and bind.value is None):
            # Made when it runs, or required and not given: SQLAlchemy says which.
            return None
        else:
            constants[name] = bind.value if process is None else process(bind.value)
    columns = compiled._result_columns
    if not columns:
        return _Form(str(compiled), constants, tuple(given), None, ())
    keys = [c.keyname for c in columns]
    if len(set(keys)) != len(keys) or not all(_names_an_attribute(k) for k in keys):
        return None  # SQLAlchemy's rows name these as it does
    impls = [c.type.dialect_impl(dialect) for c in columns]
    if any(_numeric(dialect, impl) for impl in impls):
        # Its result processing depends on the driver's type code for the column, which
        # only SQLAlchemy's result has (found by the round's tester).
        return None
    results = tuple(impl.result_processor(dialect, None) for impl in impls)
    return _Form(str(compiled), constants, tuple(given), _row_class(keys), results)


def _numeric(dialect: Dialect, kind: TypeEngine[Any]) -> bool:
    """NUMERIC or FLOAT, itself, beneath a type of the project's, or as an array's items."""
    if isinstance(kind, TypeDecorator):
        return _numeric(dialect, kind.load_dialect_impl(dialect))
    if isinstance(kind, ARRAY):
        return _numeric(dialect, kind.item_type)
    return isinstance(kind, Numeric)


def _names_an_attribute(key: str) -> bool:
    return key.isidentifier() and not keyword.iskeyword(key) and not key.startswith("_")


def _row_class(keys: list[str]) -> Callable[..., Any]:
    # A row answers to its columns' names, as SQLAlchemy's does (``row.key``, ``_asdict``).
    return namedtuple("Row", keys)
