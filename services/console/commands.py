"""A form's command sent to a service, and what the person sees next: the page again with
the refusal summarised when the service refuses what they asked (403, 409, 422), or the
record with a message saying what was done. Any other refusal is the console's error page
(services.console.main), since nothing on the form could mend it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from services.console.browser import FORM_KEY, SignedIn
from services.console.clients.api import Answer, Refused, ServiceApi
from services.console.stale import StaleForm

#: Refusals a person can act on from the form they sent.
SHOWN_ON_THE_FORM = (403, 409, 422)


async def send_form(
    api: ServiceApi,
    method: str,
    path: str,
    signed: SignedIn,
    body: dict[str, Any],
    *,
    if_match: str | None = None,
) -> Answer | Refused:
    """The service's answer, or its refusal when the form should show it. One rendering
    of a form sent twice (a double click, a reload that sends it again) is one request to
    the service: its idempotency key is made from the session, the rendering's own key and
    what was sent, so the second is answered as the first and nothing is done twice. The
    same words sent from a new rendering are a new command."""
    rendering = FORM_KEY.get()
    key = None
    if rendering is not None:
        sent = json.dumps([method, path, body, if_match], sort_keys=True, default=str)
        digest = hashlib.sha256(f"{signed.session.id}\n{rendering}\n{sent}".encode())
        key = f"console-{digest.hexdigest()[:48]}"
    try:
        return await api.send(method, path, signed.token, body, if_match=if_match, key=key)
    except Refused as refused:
        if refused.status not in SHOWN_ON_THE_FORM:
            raise
        return refused


async def send_on_record(
    api: ServiceApi,
    path: str,
    signed: SignedIn,
    form: FormData,
    body: dict[str, Any],
    *,
    record: str,
    again: str,
    method: str = "POST",
) -> Answer | Refused:
    """A command on one record (read at ``record``), sent against the version the form was
    read at (its hidden ``version``), so a change made meanwhile is never overwritten: the
    person is shown what changed and starts again at ``again`` (services.console.stale)."""
    version = form.get("version")
    if_match = version.strip() if isinstance(version, str) and version.strip() else None
    if if_match is not None and not (if_match.isascii() and if_match.isdigit()):
        # Not a version any service gave: the form was altered, or is not this one.
        problem = {"detail": "the form does not say which version it was read at: start again"}
        return Refused(api.name, 409, problem)
    outcome = await send_form(api, method, path, signed, body, if_match=if_match)
    return unless_stale(outcome, api, signed, form, record=record, again=again)


def unless_stale(
    outcome: Answer | Refused,
    api: ServiceApi,
    signed: SignedIn,
    form: FormData,
    *,
    record: str,
    again: str,
) -> Answer | Refused:
    """The outcome, unless the service refused because the record is at another version
    than the form was read at: then StaleForm, shown as what changed."""
    if (
        isinstance(outcome, Refused)
        and outcome.status == 409
        and outcome.problem.get("current_version") is not None
    ):
        seen = form.get("seen")
        raise StaleForm(
            service=api.name,
            record=record,
            token=signed.token,
            seen=seen if isinstance(seen, str) else "",
            again=again,
        )
    return outcome


def done(signed: SignedIn, message: str, to: str) -> RedirectResponse:
    """After a command: the record it changed, saying once what was done (post, redirect,
    get, so a reload never sends the form again)."""
    signed.session.flash = message
    return RedirectResponse(to, status_code=303)
