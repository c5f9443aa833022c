"""Pages rendered from Jinja2 templates, each given the force's name, who is signed in and
the session's CSRF token for its forms."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from services.console.browser import current_session
from services.console.sessions import Session

TEMPLATES = Path(__file__).parent / "templates"
#: Times are shown as people in the force read them.
LONDON = ZoneInfo("Europe/London")

ROLE_NAMES = {
    "officer": "Officer",
    "command_team": "Command Team",
    "line_manager": "Line manager",
    "slt": "Senior leadership team",
    "hr_resource_planning": "HR Resource Planning",
    "head_of_resourcing": "Head of Resourcing",
    "director_of_hr": "Director of HR",
    "deployment_panel": "Resourcing Deployment Panel",
    "force_resourcing_panel": "Force Resourcing Panel",
    "psd": "Professional Standards",
    "divisional_commander": "Divisional commander",
    "head_of_department": "Head of department",
    "head_of_l_and_d": "Head of Learning and Development",
    "head_of_profession": "Head of Profession",
    "hr_policy_owner": "HR policy owner",
    "auditor": "Auditor",
}


def london_time(value: str | None) -> str:
    """An ISO 8601 moment as London time, e.g. '4 December 2026, 3:05pm'."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(LONDON)
    clock = moment.strftime("%I:%M%p").lstrip("0").lower()
    return f"{moment.day} {moment.strftime('%B %Y')}, {clock}"


def long_date(value: str | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value)
    return f"{day.day} {day.strftime('%B %Y')}"


def words(value: str | None) -> str:
    """An API code as words: 'chief_inspector' is 'Chief inspector'."""
    if not value:
        return ""
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def build_templates() -> Jinja2Templates:
    # Imported here: the stale-form module shows its values with this module's filters.
    from services.console.stale import seen_of

    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["seen"] = seen_of
    templates.env.filters["london_time"] = london_time
    templates.env.filters["long_date"] = long_date
    templates.env.filters["words"] = words
    templates.env.globals["role_names"] = ROLE_NAMES
    # Each rendering of a form its own key (services.console.browser.FORM_KEY_FIELD).
    templates.env.globals["form_key"] = lambda: uuid.uuid4().hex
    return templates


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    session: Session | None = None,
) -> HTMLResponse:
    session = session or current_session(request)
    page: dict[str, Any] = {
        "force_name": request.app.state.settings.force_name,
        "person": session.person if session else None,
        "csrf_token": session.csrf_token if session else "",
        "flash": None,
    }
    if session is not None and session.flash:
        # Shown once: the next page no longer says it.
        page["flash"], session.flash = session.flash, None
    page.update(context or {})
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, page, status_code=status_code)
