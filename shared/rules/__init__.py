"""Rules: each a small class named by the id it reports, citing its clause. The kernel's own
(the decision record, retention) live here; each service's live in its
``domain/rules/`` package, one module per protocol section."""
