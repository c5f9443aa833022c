"""How long each stored string may be: the one source of the API's limits and of the
columns that keep what the API takes. A schema field, path or query parameter declares
``max_length=lengths.X`` and the column it fills is ``String(lengths.X)``, so the two agree by
construction (tests/test_stored_lengths.py stores every documented maximum on PostgreSQL).

Changing a value here changes the models: ``./dev check-migrations`` then asks for a
revision, which writes the new length as a literal (a revision is history and never reads
this module)."""

from __future__ import annotations

# -- what the API takes ---------------------------------------------------------------------

#: An officer's id (body fields, path parameters, the consultation log, every officer_id
#: column): SuccessFactors' ``User.userId``, which the HR-system sync registers as it is, is
#: up to 100 characters.
OFFICER_ID = 100

#: A code: location, division, town, unit, skill, establishment key, course code.
CODE = 80

#: A person as their token names them (the JWT ``sub``): who decided, granted, sent,
#: appealed, heads a unit, holds a delegation or hears an appeal (decided_by, granted_by,
#: appellant_id, head_id, delegate_id, hearer_id...). The token verifier must refuse a
#: longer ``sub``: every command stores it.
SUBJECT = 200

#: A person's or a place's name: an officer, a location, a unit.
NAME = 200

#: A course's title.
TITLE = 300

#: One line of text: the level an appeal is heard at, an HR-system event's type.
LINE = 200

#: The id of a protocol rule (its class name, e.g. ``TravelBeyondTheLimitMustBeJustified``),
#: set aside by a policy exception.
RULE = 80

#: A quarter of the resourcing priorities process, e.g. ``2027-Q1``.
QUARTER = 7

#: The ``Idempotency-Key`` header, kept with the first answer.
IDEMPOTENCY_KEY = 200

#: The ``X-Request-ID`` header, kept as the correlation id of what a command records.
CORRELATION_ID = 100

#: Free text: rationale, reasons, grounds, content, justification. Stored in events and in
#: Text columns, never in a String column.
TEXT = 20_000

#: The rationale of a disposal at the end of the retention period.
DISPOSAL_RATIONALE = 4_000

# -- what the services write themselves -------------------------------------------------------

#: A role's name (``Role`` values), as recorded with each decision.
ROLE = 40

#: A clause of the protocol or policy, e.g. ``L1800 3.6.1``.
CLAUSE = 40

#: A value of one of the services' own vocabularies: a kind of posting, a state, a rank, an
#: outcome, a reason a case closed. The API takes these as enums, never as free strings.
KEYWORD = 40

#: A value of a short vocabulary: a state, a kind of item or place, a category.
SHORT_KEYWORD = 20

#: A record's id written as text (UUID).
UUID = 36

#: A SHA-256 digest in hex: leaf and chain hashes, a request's fingerprint.
SHA256_HEX = 64

#: The name of a feed a follower reads.
FEED = 64

#: An event's type as the audit index records it.
EVENT_TYPE = 120

#: The kind of a case (its aggregate) in the audit index.
CASE_TYPE = 80

#: The route (path template) a consultation went through.
ROUTE = 80

#: The method and path of the request a consultation came from.
ENDPOINT = 200
