"""The kinds of posting a person decides in the console, each with the questions its form
asks, who the API lets decide it, and the clause it rests on. The questions are the API's
fields for that kind (services/postings/api/schemas.py); the console judges none of the
answers, so a rule broken is the service's refusal, named on the field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from starlette.datastructures import FormData

from services.console.pages import form_values as fv
from services.console.refusals import FormField
from shared.roles import Role

Shape = Literal["text", "textarea", "date", "radios", "list"]


@dataclass(frozen=True)
class Question:
    name: str
    #: The label, and how an error sentence names the field.
    label: str
    words: str
    shape: Shape = "text"
    hint: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    @property
    def field(self) -> FormField:
        anchor = f"{self.name}-day" if self.shape == "date" else self.name
        return FormField(self.name, self.words, anchor, chosen=self.shape == "radios")

    def value(self, form: FormData) -> Any:
        """What the form holds for this question, as the page shows it again."""
        if self.shape == "date":
            return fv.date_parts(form, self.name)
        return fv.text(form, self.name)

    def body_value(self, shown: Any) -> Any:
        """The API's value; a list is written one item per comma, as the hint says."""
        if self.shape == "date":
            return fv.date_value(shown)
        if self.shape == "list":
            items = [item.strip() for item in str(shown).split(",") if item.strip()]
            return items or None
        return shown


OFFICER = Question("officer_id", "Officer's id", "the officer's id", hint="For example K200")
TO = Question("to_location", "Place of duty they go to", "the place of duty", hint="Its code")
RATIONALE = Question("rationale", "Rationale", "the rationale", "textarea")
TRAVEL = Question(
    "travel_justification",
    "Why organisational need outweighs travel beyond the limit (if it does)",
    "the travel justification",
    "textarea",
    hint="Needed only when the place is beyond the reasonable travel limit (L1800 3.2.1)",
)
WELFARE = Question(
    "welfare_consideration",
    "How the officer's welfare factors were considered (if they have any)",
    "the welfare consideration",
    "textarea",
    hint="Needed only when the officer has welfare factors on record (L1800 3.1.3)",
)
LIKELY = Question("likely_posting_date", "Likely posting date", "the likely posting date", "date")
POSTING_DATE = Question("posting_date", "Posting date", "the posting date", "date")
REASONING = Question(
    "reasoning_for_officer",
    "The reasoning given to the officer",
    "the reasoning given to the officer",
    "textarea",
)
PREFERENCES = Question(
    "preferences",
    "The officer's preferences (places they would choose)",
    "the officer's preferences",
    "list",
    hint="Their codes, separated by commas, for example dover, ashford",
)
NOT_SOUGHT = Question(
    "preferences_not_sought_because",
    "Why preferences were not sought (if they were not)",
    "why preferences were not sought",
    "textarea",
)
DELEGATION = Question(
    "delegation_id",
    "The delegation you act under (if you are a delegate)",
    "the delegation",
    hint="Its id, from the delegations page",
)
SELECTION = Question("selection_process", "The selection process", "the selection process")
SLT = Question(
    "slt_recipients",
    "Senior leadership teams to tell",
    "the senior leadership teams to tell",
    "list",
    hint="Their ids, separated by commas",
)
COMMON = (OFFICER, TO, RATIONALE, TRAVEL, WELFARE)


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    clause: str
    path: str
    roles: frozenset[Role]
    questions: tuple[Question, ...]

    @property
    def fields(self) -> list[FormField]:
        return [q.field for q in self.questions]

    def values(self, form: FormData) -> dict[str, Any]:
        return {q.name: q.value(form) for q in self.questions}

    def body(self, values: dict[str, Any]) -> dict[str, Any]:
        return fv.without_blanks({q.name: q.body_value(values[q.name]) for q in self.questions})


KINDS = {
    kind.slug: kind
    for kind in (
        Kind(
            "divisional",
            "Appointment to a division",
            "L1800 3.3.1",
            "/postings/appointments/divisional",
            frozenset({Role.HR_RESOURCE_PLANNING}),
            (
                *COMMON,
                LIKELY,
                Question(
                    "welfare_request",
                    "The officer's welfare request (if they made one)",
                    "the welfare request",
                    "textarea",
                ),
            ),
        ),
        Kind(
            "college",
            "Appointment to the college for initial training",
            "L1800 3.3.1",
            "/postings/appointments/college",
            frozenset({Role.HR_RESOURCE_PLANNING}),
            (OFFICER, TO, POSTING_DATE, RATIONALE),
        ),
        Kind(
            "selection",
            "Selection at a board or process",
            "L1800 3.4.1",
            "/postings/selections",
            frozenset({Role.HR_RESOURCE_PLANNING, Role.LINE_MANAGER}),
            (*COMMON, LIKELY, SELECTION, SLT),
        ),
        Kind(
            "redeployment",
            "Re-deployment within your division or department",
            "L1800 3.6.1",
            "/postings/redeployments",
            frozenset({Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT}),
            (*COMMON, POSTING_DATE),
        ),
        Kind(
            "compulsory",
            "Compulsory, for organisational need",
            "L1800 3.7.1 to 3.7.2",
            "/postings/compulsory",
            frozenset(
                {
                    Role.DIRECTOR_OF_HR,
                    Role.HEAD_OF_RESOURCING,
                    Role.HR_POLICY_OWNER,
                    Role.HR_RESOURCE_PLANNING,
                }
            ),
            (*COMMON, LIKELY, REASONING, PREFERENCES, NOT_SOUGHT, DELEGATION),
        ),
        Kind(
            "best-interests",
            "In the best interests of the individual or the organisation",
            "L1800 3.7.3",
            "/postings/best-interests",
            frozenset({Role.HEAD_OF_RESOURCING}),
            (
                *COMMON,
                LIKELY,
                Question(
                    "in_interests_of",
                    "In whose interests",
                    "in whose interests it is",
                    "radios",
                    options=(("individual", "The individual"), ("organisation", "The force")),
                ),
            ),
        ),
        Kind(
            "senior",
            "Senior leadership (chief inspector and above)",
            "L1800 3.8",
            "/postings/senior",
            frozenset(
                {
                    Role.DIRECTOR_OF_HR,
                    Role.HEAD_OF_RESOURCING,
                    Role.HR_POLICY_OWNER,
                    Role.HR_RESOURCE_PLANNING,
                }
            ),
            (
                *COMMON,
                LIKELY,
                Question(
                    "flow",
                    "Which flow it follows",
                    "which flow it follows",
                    "radios",
                    options=(
                        ("compulsory", "Compulsory: preferences, reasoning and notice"),
                        ("selection", "Selection: written confirmation to the officer and SLT"),
                    ),
                ),
                REASONING,
                PREFERENCES,
                NOT_SOUGHT,
                SELECTION,
                SLT,
                DELEGATION,
            ),
        ),
    )
}


#: A posting decided on a supported 1068 (L1800 3.5.3): the officer is the request's, so
#: the form asks only where, when and why. Decided from the request's page.
REQUEST_POSTING = Kind(
    "officer-request",
    "Posting on the officer's 1068 request",
    "L1800 3.5.3",
    "/requests/{request_id}/posting",
    frozenset({Role.HR_RESOURCE_PLANNING}),
    (TO, RATIONALE, TRAVEL, WELFARE, LIKELY),
)


def kinds_for(role: Role) -> list[Kind]:
    return [kind for kind in KINDS.values() if role in kind.roles]
