"""Who may call each endpoint of each service: the function-level authorisation table
(OWASP API Security API5), reviewed by hand. A route whose roles change must change here
too; `tests/test_authorisation_matrix.py` holds every service to it. Object-level checks
(an officer's own records, an SLT's own division) are on top of this and tested there."""

from __future__ import annotations

#: Anyone with a valid token (reference data everyone needs, the published eligible list).
EVERYONE = frozenset(
    [
        "auditor",
        "command_team",
        "deployment_panel",
        "director_of_hr",
        "divisional_commander",
        "force_resourcing_panel",
        "head_of_department",
        "head_of_l_and_d",
        "head_of_profession",
        "head_of_resourcing",
        "hr_policy_owner",
        "hr_resource_planning",
        "integration",
        "line_manager",
        "officer",
        "psd",
        "service",
        "slt",
    ]
)
#: No token needed: liveness and readiness.
PUBLIC: frozenset[str] = frozenset()

#: Everyone who reads an officer's postings records (object-level checks narrow it).
OFFICER_RECORD_READERS = frozenset(
    [
        "auditor",
        "deployment_panel",
        "director_of_hr",
        "divisional_commander",
        "head_of_department",
        "head_of_resourcing",
        "hr_policy_owner",
        "hr_resource_planning",
        "officer",
        "psd",
        "slt",
    ]
)

#: The HR roles: the Director of HR and those who may hold a delegation.
HR = frozenset(["director_of_hr", "head_of_resourcing", "hr_policy_owner", "hr_resource_planning"])

#: HR roles and the auditor.
HR_AND_AUDIT = frozenset(
    ["auditor", "director_of_hr", "head_of_resourcing", "hr_policy_owner", "hr_resource_planning"]
)

#: Who reads the posting plan and panel business.
PLANNING_READERS = frozenset(
    [
        "auditor",
        "deployment_panel",
        "director_of_hr",
        "head_of_resourcing",
        "hr_policy_owner",
        "hr_resource_planning",
    ]
)

#: Who writes reference data: HR Resource Planning and the HR-system integration.
REFERENCE_WRITERS = frozenset(["hr_resource_planning", "integration"])

#: Who records ROI commitments and course completions.
COURSE_RECORDERS = frozenset(["head_of_l_and_d", "hr_resource_planning", "integration"])

#: Who reads a service"s event feed.
FEED_READERS = frozenset(["auditor", "integration", "service"])

#: Who decides a disposal of personal data.
POLICY_OWNERS = frozenset(["director_of_hr", "hr_policy_owner"])

#: Who appeals.
APPELLANTS = frozenset(["command_team", "officer"])

#: The auditor alone.
AUDITOR = frozenset(["auditor"])

ALLOWED: dict[tuple[str, str, str], frozenset[str]] = {
    ("postings", "GET", "/audit/cases/{case_id}"): AUDITOR,
    ("postings", "GET", "/audit/cases/{case_id}/state"): AUDITOR,
    ("postings", "POST", "/audit/checkpoints"): AUDITOR,
    ("postings", "GET", "/audit/consultations"): AUDITOR,
    ("postings", "GET", "/audit/decisions"): AUDITOR,
    ("postings", "GET", "/audit/export"): AUDITOR,
    ("postings", "GET", "/audit/officers/{officer_id}/timeline"): AUDITOR,
    ("postings", "GET", "/audit/verify"): AUDITOR,
    ("postings", "POST", "/delegations"): frozenset({"director_of_hr"}),
    ("postings", "GET", "/delegations"): HR_AND_AUDIT,
    ("postings", "GET", "/delegations/{delegation_id}"): HR_AND_AUDIT,
    ("postings", "POST", "/delegations/{delegation_id}/reliances"): frozenset({"service"}),
    ("postings", "GET", "/delegations/{delegation_id}/coverage"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "service",
        }
    ),
    ("postings", "POST", "/delegations/{delegation_id}/revocation"): frozenset({"director_of_hr"}),
    ("postings", "PUT", "/establishment/{division}"): frozenset({"hr_resource_planning"}),
    ("postings", "GET", "/events"): FEED_READERS,
    ("postings", "GET", "/healthz"): PUBLIC,
    ("postings", "GET", "/hr-system/deliveries"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "integration"}
    ),
    ("postings", "POST", "/hr-system/deliveries/run"): REFERENCE_WRITERS,
    ("postings", "POST", "/hr-system/events"): frozenset({"integration"}),
    ("postings", "POST", "/hr-system/sync"): REFERENCE_WRITERS,
    ("postings", "GET", "/hr-system/sync-runs"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "integration"}
    ),
    ("postings", "POST", "/locations"): REFERENCE_WRITERS,
    ("postings", "GET", "/locations"): EVERYONE,
    ("postings", "GET", "/locations/{code}"): EVERYONE,
    ("postings", "GET", "/monitoring"): frozenset(
        {"auditor", "director_of_hr", "head_of_resourcing"}
    ),
    ("postings", "POST", "/officers"): REFERENCE_WRITERS,
    ("postings", "GET", "/officers"): frozenset(
        {
            "auditor",
            "deployment_panel",
            "director_of_hr",
            "divisional_commander",
            "head_of_department",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "psd",
            "slt",
        }
    ),
    ("postings", "PATCH", "/officers/{officer_id}"): REFERENCE_WRITERS,
    ("postings", "GET", "/officers/{officer_id}"): OFFICER_RECORD_READERS,
    ("postings", "GET", "/officers/{officer_id}/division"): frozenset({"service"}),
    ("postings", "POST", "/officers/{officer_id}/exceptions"): frozenset({"hr_policy_owner"}),
    ("postings", "GET", "/officers/{officer_id}/exceptions"): HR_AND_AUDIT,
    ("postings", "POST", "/officers/{officer_id}/home-town-exception"): HR,
    ("postings", "GET", "/officers/{officer_id}/notifications"): OFFICER_RECORD_READERS,
    ("postings", "PUT", "/officers/{officer_id}/pdr"): REFERENCE_WRITERS,
    ("postings", "GET", "/officers/{officer_id}/personal-file"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "officer",
        }
    ),
    ("postings", "POST", "/officers/{officer_id}/probation-review"): frozenset(
        {"hr_resource_planning"}
    ),
    ("postings", "PUT", "/officers/{officer_id}/preferences"): frozenset({"officer"}),
    ("postings", "GET", "/officers/{officer_id}/preferences"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "officer",
        }
    ),
    ("postings", "POST", "/officers/{officer_id}/restrictions"): frozenset({"officer", "psd"}),
    ("postings", "GET", "/officers/{officer_id}/restrictions"): OFFICER_RECORD_READERS,
    (
        "postings",
        "POST",
        "/officers/{officer_id}/restrictions/{location}/exception-support",
    ): frozenset({"head_of_resourcing", "psd"}),
    ("postings", "POST", "/officers/{officer_id}/restrictions/{location}/lifting"): frozenset(
        {"officer", "psd"}
    ),
    ("postings", "POST", "/panel-sittings"): frozenset(
        {"deployment_panel", "hr_resource_planning"}
    ),
    ("postings", "GET", "/panel-sittings"): PLANNING_READERS,
    ("postings", "GET", "/panel-sittings/{sitting_id}"): PLANNING_READERS,
    ("postings", "GET", "/panel-sittings/{sitting_id}/agenda"): PLANNING_READERS,
    ("postings", "POST", "/panel-sittings/{sitting_id}/closure"): frozenset({"deployment_panel"}),
    ("postings", "POST", "/panel-sittings/{sitting_id}/outcomes"): frozenset({"deployment_panel"}),
    ("postings", "GET", "/policy"): EVERYONE,
    ("postings", "PUT", "/policy/notice-period"): HR,
    ("postings", "PUT", "/policy/travel-limit"): HR,
    ("postings", "GET", "/postings"): OFFICER_RECORD_READERS,
    ("postings", "POST", "/postings/appointments/college"): frozenset({"hr_resource_planning"}),
    ("postings", "POST", "/postings/appointments/divisional"): frozenset({"hr_resource_planning"}),
    ("postings", "POST", "/postings/batches"): HR,
    ("postings", "GET", "/postings/batches/{batch_id}"): HR_AND_AUDIT,
    ("postings", "POST", "/postings/best-interests"): frozenset({"head_of_resourcing"}),
    ("postings", "POST", "/postings/compulsory"): HR,
    ("postings", "POST", "/postings/redeployments"): frozenset(
        {"divisional_commander", "head_of_department"}
    ),
    ("postings", "POST", "/postings/selections"): frozenset(
        {"hr_resource_planning", "line_manager"}
    ),
    ("postings", "POST", "/postings/senior"): HR,
    ("postings", "GET", "/postings/{posting_id}"): OFFICER_RECORD_READERS,
    ("postings", "GET", "/postings/{posting_id}/appeal-window"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "service"}
    ),
    ("postings", "POST", "/postings/{posting_id}/date"): frozenset({"head_of_resourcing"}),
    ("postings", "POST", "/postings/{posting_id}/delay"): frozenset(
        {"head_of_resourcing", "hr_resource_planning"}
    ),
    ("postings", "POST", "/postings/{posting_id}/move"): frozenset(
        {"divisional_commander", "head_of_department", "hr_resource_planning"}
    ),
    ("postings", "POST", "/postings/{posting_id}/notice-agreement"): frozenset({"officer"}),
    ("postings", "POST", "/postings/{posting_id}/notifications"): frozenset(
        {
            "divisional_commander",
            "head_of_department",
            "head_of_resourcing",
            "hr_resource_planning",
            "line_manager",
        }
    ),
    ("postings", "POST", "/postings/{posting_id}/withdrawal"): frozenset(
        {
            "director_of_hr",
            "divisional_commander",
            "head_of_department",
            "head_of_resourcing",
            "hr_resource_planning",
        }
    ),
    ("postings", "GET", "/readyz"): PUBLIC,
    ("postings", "POST", "/requests"): frozenset({"officer", "slt"}),
    ("postings", "GET", "/requests"): OFFICER_RECORD_READERS,
    ("postings", "GET", "/requests/{request_id}"): OFFICER_RECORD_READERS,
    ("postings", "POST", "/requests/{request_id}/decline"): frozenset({"slt"}),
    ("postings", "POST", "/requests/{request_id}/posting"): frozenset({"hr_resource_planning"}),
    ("postings", "POST", "/requests/{request_id}/support"): frozenset({"slt"}),
    ("postings", "POST", "/retention/officers/{officer_id}/disposal"): POLICY_OWNERS,
    ("postings", "GET", "/strength"): PLANNING_READERS,
    ("postings", "POST", "/units"): frozenset({"hr_resource_planning"}),
    ("postings", "GET", "/units/{code}"): EVERYONE,
    ("postings", "PUT", "/units/{code}/head"): frozenset({"hr_resource_planning"}),
    ("appeals", "POST", "/appeals"): APPELLANTS,
    ("appeals", "GET", "/appeals"): frozenset(
        {
            "auditor",
            "command_team",
            "director_of_hr",
            "divisional_commander",
            "head_of_department",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "officer",
        }
    ),
    ("appeals", "POST", "/appeals/late-permissions"): frozenset({"hr_policy_owner"}),
    ("appeals", "GET", "/appeals/monitoring"): frozenset(
        {"auditor", "director_of_hr", "head_of_resourcing"}
    ),
    ("appeals", "GET", "/appeals/{appeal_id}"): frozenset(
        {
            "auditor",
            "command_team",
            "director_of_hr",
            "divisional_commander",
            "head_of_department",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "officer",
        }
    ),
    ("appeals", "POST", "/appeals/{appeal_id}/assignment"): frozenset({"head_of_resourcing"}),
    ("appeals", "POST", "/appeals/{appeal_id}/evidence"): frozenset(
        {
            "command_team",
            "director_of_hr",
            "divisional_commander",
            "head_of_department",
            "head_of_resourcing",
            "hr_policy_owner",
        }
    ),
    ("appeals", "POST", "/appeals/{appeal_id}/outcome"): frozenset(
        {
            "command_team",
            "director_of_hr",
            "divisional_commander",
            "head_of_department",
            "head_of_resourcing",
            "hr_policy_owner",
        }
    ),
    ("appeals", "POST", "/appeals/{appeal_id}/submissions"): APPELLANTS,
    ("appeals", "POST", "/appeals/{appeal_id}/withdrawal"): APPELLANTS,
    ("appeals", "GET", "/audit/cases/{case_id}"): AUDITOR,
    ("appeals", "GET", "/audit/cases/{case_id}/state"): AUDITOR,
    ("appeals", "POST", "/audit/checkpoints"): AUDITOR,
    ("appeals", "GET", "/audit/consultations"): AUDITOR,
    ("appeals", "GET", "/audit/decisions"): AUDITOR,
    ("appeals", "GET", "/audit/export"): AUDITOR,
    ("appeals", "GET", "/audit/verify"): AUDITOR,
    ("appeals", "GET", "/events"): FEED_READERS,
    ("appeals", "GET", "/healthz"): PUBLIC,
    ("appeals", "GET", "/posting-decisions"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "officer"}
    ),
    ("appeals", "GET", "/posting-decisions/{posting_id}"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "officer"}
    ),
    ("appeals", "GET", "/readyz"): PUBLIC,
    ("appeals", "POST", "/retention/officers/{officer_id}/disposal"): POLICY_OWNERS,
    ("roi", "GET", "/audit/cases/{case_id}"): AUDITOR,
    ("roi", "GET", "/audit/cases/{case_id}/state"): AUDITOR,
    ("roi", "POST", "/audit/checkpoints"): AUDITOR,
    ("roi", "GET", "/audit/consultations"): AUDITOR,
    ("roi", "GET", "/audit/decisions"): AUDITOR,
    ("roi", "GET", "/audit/export"): AUDITOR,
    ("roi", "GET", "/audit/verify"): AUDITOR,
    ("roi", "POST", "/commitments"): COURSE_RECORDERS,
    ("roi", "GET", "/commitments"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "force_resourcing_panel",
            "head_of_l_and_d",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "integration",
        }
    ),
    ("roi", "GET", "/commitments/{commitment_id}"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "force_resourcing_panel",
            "head_of_l_and_d",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "integration",
            "officer",
        }
    ),
    ("roi", "POST", "/commitments/{commitment_id}/completion"): COURSE_RECORDERS,
    ("roi", "POST", "/commitments/{commitment_id}/ending"): COURSE_RECORDERS,
    ("roi", "POST", "/commitments/{commitment_id}/local-case"): frozenset({"head_of_department"}),
    ("roi", "POST", "/commitments/{commitment_id}/local-release"): frozenset(
        {"head_of_resourcing"}
    ),
    ("roi", "POST", "/commitments/{commitment_id}/notice"): COURSE_RECORDERS,
    ("roi", "POST", "/commitments/{commitment_id}/release"): frozenset({"force_resourcing_panel"}),
    ("roi", "POST", "/designations"): frozenset(
        {"head_of_l_and_d", "head_of_profession", "head_of_resourcing"}
    ),
    ("roi", "GET", "/designations"): EVERYONE,
    ("roi", "POST", "/designations/exceptional"): frozenset(
        {
            "director_of_hr",
            "force_resourcing_panel",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
    ("roi", "GET", "/designations/{designation_id}"): EVERYONE,
    ("roi", "GET", "/eligible-list"): EVERYONE,
    ("roi", "GET", "/events"): FEED_READERS,
    ("roi", "GET", "/healthz"): PUBLIC,
    ("roi", "GET", "/officers/{officer_id}/commitments"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "force_resourcing_panel",
            "head_of_l_and_d",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "integration",
            "officer",
        }
    ),
    ("roi", "GET", "/officers/{officer_id}/roi-status"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "force_resourcing_panel",
            "head_of_l_and_d",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
            "integration",
            "officer",
            "service",
        }
    ),
    ("roi", "GET", "/readyz"): PUBLIC,
    ("roi", "POST", "/retention/officers/{officer_id}/disposal"): POLICY_OWNERS,
}
