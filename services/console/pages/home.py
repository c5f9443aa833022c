"""The start page: what the signed-in person can do, by their role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.console.browser import SignedInDep
from services.console.rendering import render
from shared.roles import Role

router = APIRouter()

#: Roles that read officers' records (as far as the API lets each of them).
READERS = (
    Role.DIVISIONAL_COMMANDER,
    Role.HEAD_OF_DEPARTMENT,
    Role.PSD,
    Role.HR_POLICY_OWNER,
)
#: Roles whose holders may be assigned to hear an appeal (the appeals service's own list).
HEARERS = (
    Role.COMMAND_TEAM,
    Role.DIRECTOR_OF_HR,
    Role.DIVISIONAL_COMMANDER,
    Role.HEAD_OF_DEPARTMENT,
    Role.HR_POLICY_OWNER,
)
#: The pages each role has, as (link, text): only what the services let that role do.
TASKS: dict[Role, list[tuple[str, str]]] = {
    **{role: [("/officers", "Officers")] for role in READERS},
    Role.SLT: [("/requests", "Your division's 1068 requests"), ("/officers", "Officers")],
    **{
        role: [
            ("/officers", "Officers"),
            ("/postings", "Postings"),
            ("/postings/new", "Decide a posting"),
        ]
        for role in (Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT)
    },
    Role.HR_RESOURCE_PLANNING: [
        ("/officers", "Officers"),
        ("/officers/new", "Register an officer"),
        ("/locations", "Places of duty"),
        ("/locations/new", "Register a place of duty"),
        ("/units/new", "Register a division or department"),
        ("/strength", "Strength against establishment"),
        ("/postings", "Postings"),
        ("/postings/new", "Decide a posting"),
        ("/roi/commitments", "ROI commitments"),
        ("/roi/designations", "Courses designated for the ROI period"),
    ],
    Role.DEPLOYMENT_PANEL: [("/panel", "Sittings and their agendas"), ("/officers", "Officers")],
    Role.DIRECTOR_OF_HR: [
        ("/postings/new", "Decide a posting"),
        ("/postings", "Postings"),
        ("/delegations", "Delegations"),
        ("/policy", "Policy settings"),
        ("/officers", "Officers"),
    ],
    Role.HEAD_OF_RESOURCING: [
        ("/appeals", "Appeals inbox"),
        ("/monitoring", "Monitoring figures"),
        ("/postings/new", "Decide a posting"),
        ("/postings", "Postings"),
        ("/roi/commitments", "ROI commitments and early release"),
        ("/roi/designations", "Courses designated for the ROI period"),
        ("/officers", "Officers"),
    ],
    Role.HEAD_OF_L_AND_D: [
        ("/roi/designations", "Courses designated for the ROI period"),
        ("/roi/eligible", 'The "I am Eligible" list'),
        ("/roi/commitments", "ROI commitments"),
    ],
    Role.HEAD_OF_PROFESSION: [("/roi/designations", "Courses designated for the ROI period")],
    Role.FORCE_RESOURCING_PANEL: [("/roi/commitments", "ROI commitments and early release")],
    Role.AUDITOR: [
        ("/audit/timeline", "An officer's timeline"),
        ("/audit/chains", "Each service's log, verified"),
        ("/audit/cases", "A case as it stood at a moment"),
        ("/audit/consultations", "Who consulted officers' records"),
        ("/audit/export", "Download a service's log"),
    ],
}


@router.get("/", response_class=HTMLResponse)
async def start(request: Request, signed: SignedInDep) -> Response:
    person = signed.person
    tasks = list(TASKS.get(person.role, []))
    if person.role in HEARERS:
        # Anyone at the appropriate level may be assigned to hear an appeal.
        tasks.append(("/appeals", "Appeals you hear"))
    if person.role is Role.HEAD_OF_DEPARTMENT:
        # They read no commitments: the case names the one HR Resource Planning gave them.
        tasks.append(("/roi/local-case", "Make the case for a local move in an ROI period"))
    if person.role is Role.OFFICER and person.officer_id:
        tasks[:0] = [
            (f"/officers/{person.officer_id}", "Your record and notifications"),
            ("/appeals/new", "Appeal a posting decision"),
            ("/appeals", "Your appeals"),
            ("/requests/new", "Ask for a posting (form 1068)"),
            ("/requests", "Your 1068 requests"),
            ("/postings", "Your postings"),
            ("/roi/commitments", "Your ROI commitments"),
            ("/roi/eligible", 'The "I am Eligible" list'),
        ]
    return render(request, "pages/home.html", {"tasks": tasks})
