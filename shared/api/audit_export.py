"""A service's log exported for auditors over HTTP: the JSON Lines the command-line export
writes (shared.export), streamed a batch at a time, so a whole log never sits in memory
in the service nor in whoever relays it. Personal data stays sealed; the officers' keys
are never part of it (only the command-line tool hands them over, to a separate file)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import StreamingResponse

from shared import lengths
from shared.api.routes import Operating, OperationRoute, build_router
from shared.api.schemas import Moment
from shared.consultations import record_consultation
from shared.export import export_lines
from shared.roles import Role

MEDIA_TYPE = "application/x-ndjson"


class JsonLines(StreamingResponse):
    """One JSON document a line (JSON Lines, served as NDJSON)."""

    media_type = MEDIA_TYPE


def export(
    ctx: Operating,
    officer_id: Annotated[
        str | None, Query(max_length=lengths.OFFICER_ID, description="Only this officer's cases")
    ] = None,
    since: Annotated[
        Moment | None, Query(description="Only events recorded at or after this moment")
    ] = None,
    until: Annotated[
        Moment | None, Query(description="Only events recorded at or before this moment")
    ] = None,
) -> JsonLines:
    runtime = ctx.runtime
    service = runtime.settings.service_name
    exported_at = runtime.clock.now()
    if officer_id:
        # One officer's cases read out: a consultation of their record like any other
        # read (the log's middleware sees JSON answers only, not this stream). A whole
        # log exported names no one in particular and is not logged per officer.
        record_consultation(runtime, ctx.request, ctx.caller, [officer_id], "/audit/export")
    lines = export_lines(
        runtime.db.engine,
        runtime.tables,
        # The mapper without keys: sealed personal data is exported as sealed.
        type(runtime.application).offline_mapper(),
        service=service,
        exported_at=exported_at,
        officer_id=officer_id or None,
        since=since,
        until=until,
    )
    stamp = exported_at.strftime("%Y%m%dT%H%M%SZ")
    return JsonLines(
        lines,
        headers={"Content-Disposition": f'attachment; filename="{service}-export-{stamp}.jsonl"'},
    )


router = build_router(
    prefix="/audit",
    tags=["audit"],
    routes=[
        OperationRoute(
            "GET",
            "/export",
            doc="""This service's log as JSON Lines, streamed: a header line (format,
            service, when, the filters), then each stored event in order in its stored
            form with its leaf hash and the chain hashes either side of it, and the event
            decoded for reading. Personal data stays sealed and the officers' keys are not
            included, so the export can be verified and replayed offline without holding
            personal data in clear (``cli replay``). Filter by officer (all their cases)
            and by when events were recorded.""",
            roles=(Role.AUDITOR,),
            run=export,
            response_class=JsonLines,
            errors=(422,),
            expensive=True,
        ),
    ],
)
