"""Whether a PostgreSQL table can be replaced by a new one built beside it
(``shared.rebuilt_aside``, ADR 0031) without losing or breaking anything: what names the
table or its row type, and what of the table a new one made ``LIKE`` it would not carry.
Each reason is a condition on the table's catalogue row (``c``) and its schema's (``n``);
the names say why, for the log."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

_REASONS = {
    "it is not a plain table of its own": """
        c.relkind <> 'r' OR c.relpersistence <> 'p' OR c.relispartition OR c.relhassubclass
        OR EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid)""",
    "another role owns it": "c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)",
    "no new table may be made in its schema": "NOT has_schema_privilege(c.relnamespace, 'CREATE')",
    "it has storage settings of its own": """
        c.reloptions IS NOT NULL OR c.reltablespace <> 0 OR c.relreplident <> 'd'
        OR (SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid) IS NOT NULL
        OR EXISTS (SELECT FROM pg_index x WHERE x.indrelid = c.oid AND x.indisclustered)""",
    # What an index's definition (``pg_get_indexdef``) leaves out: its tablespace, and the
    # statistics targets of its expressions.
    "an index has settings of its own": """
        EXISTS (
            SELECT FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = c.oid AND (i.reltablespace <> 0 OR EXISTS (
                SELECT FROM pg_attribute a
                WHERE a.attrelid = i.oid AND coalesce(a.attstattarget, -1) <> -1))
        )""",
    "it has a trigger, rule or row policy": """
        c.relrowsecurity
        OR EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid)
        OR EXISTS (SELECT FROM pg_rewrite r WHERE r.ev_class = c.oid)
        OR EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid)""",
    "a column has a default, an identity or settings of its own": """
        EXISTS (SELECT FROM pg_attrdef d WHERE d.adrelid = c.oid)
        OR EXISTS (
            SELECT FROM pg_attribute a
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                AND (a.attidentity <> '' OR a.attgenerated <> '' OR a.attacl IS NOT NULL
                    OR coalesce(a.attstattarget, -1) <> -1
                    OR EXISTS (SELECT FROM unnest(a.attoptions) o WHERE o LIKE 'n\\_distinct%'))
        )""",
    "a foreign key refers to it or from it": """
        EXISTS (
            SELECT FROM pg_constraint f
            WHERE f.contype = 'f' AND (f.conrelid = c.oid OR f.confrelid = c.oid)
        )""",
    "it, a column, an index or a constraint has a comment": """
        EXISTS (
            SELECT FROM pg_description d
            WHERE (d.classoid = 'pg_class'::regclass AND (d.objoid = c.oid OR d.objoid IN (
                    SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = c.oid)))
                OR (d.classoid = 'pg_constraint'::regclass AND d.objoid IN (
                    SELECT k.oid FROM pg_constraint k WHERE k.conrelid = c.oid))
        )""",
    # A privilege granted on by a role other than the owner: the new table's would be
    # granted by the owner, and a REVOKE ... CASCADE of the other role would miss it.
    "a privilege on it was granted by another role": """
        EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantor <> c.relowner)""",
    # A guard on DDL (an event trigger refusing DROP TABLE, say) would refuse the swap's
    # own statements, and the copy back's.
    "the database has event triggers": """
        EXISTS (SELECT FROM pg_event_trigger WHERE evtenabled <> 'D')""",
    # A masking rule (PostgreSQL Anonymizer's SECURITY LABEL) would stop applying; a new
    # table takes the default access method.
    "it or a column has a security label": """
        EXISTS (
            SELECT FROM pg_seclabel l WHERE l.classoid = 'pg_class'::regclass AND l.objoid = c.oid
        )""",
    "it is stored by another access method than a new table's": """
        c.relam <> (
            SELECT a.oid FROM pg_am a
            WHERE a.amname = current_setting('default_table_access_method')
        )""",
    "it is published": """
        EXISTS (
            SELECT FROM pg_publication_tables p
            WHERE p.schemaname = n.nspname AND p.tablename = c.relname
        )""",
    # Views, rules, statistics objects and anything else recorded as depending on the
    # table, other than its own indexes, constraints, row type, defaults and TOAST.
    "something depends on it": """
        EXISTS (
            SELECT FROM pg_depend d
            WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid
                AND NOT (d.classid = 'pg_class'::regclass AND d.objid IN (
                    SELECT x.indexrelid FROM pg_index x WHERE x.indrelid = c.oid
                    UNION ALL SELECT c.reltoastrelid))
                AND NOT (d.classid = 'pg_constraint'::regclass AND d.objid IN (
                    SELECT k.oid FROM pg_constraint k WHERE k.conrelid = c.oid))
                AND NOT (d.classid = 'pg_type'::regclass AND d.objid = c.reltype)
        )""",
    # Columns, functions, domains or types of its row type or of arrays of it.
    "something uses its row type": """
        EXISTS (
            SELECT FROM pg_depend d
            WHERE d.refclassid = 'pg_type'::regclass
                AND d.refobjid IN (
                    c.reltype, (SELECT t.typarray FROM pg_type t WHERE t.oid = c.reltype))
                AND NOT (d.classid = 'pg_class'::regclass AND d.objid = c.oid)
                AND NOT (d.classid = 'pg_type'::regclass AND d.objid = (
                    SELECT t.typarray FROM pg_type t WHERE t.oid = c.reltype))
        )""",
}

_WHY_NOT = text(
    "SELECT "  # noqa: S608 - the conditions are this module's own text
    + ", ".join(f"({condition})" for condition in _REASONS.values())
    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = :table"
)


def why_not_swappable(session: Session, table: int) -> list[str]:
    """Why the table with this oid cannot be replaced by a new one: nothing if it can."""
    found = session.execute(_WHY_NOT, {"table": table}).one_or_none()
    if found is None:
        return ["it does not exist"]
    return [reason for reason, holds in zip(_REASONS, found, strict=True) if holds]
