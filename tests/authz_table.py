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

ALLOWED: dict[tuple[str, str, str], frozenset[str]] = {
    ("postings", "GET", "/audit/cases/{case_id}"): frozenset({"auditor"}),
    ("postings", "GET", "/audit/cases/{case_id}/state"): frozenset({"auditor"}),
    ("postings", "POST", "/audit/checkpoints"): frozenset({"auditor"}),
    ("postings", "GET", "/audit/consultations"): frozenset({"auditor"}),
    ("postings", "GET", "/audit/decisions"): frozenset({"auditor"}),
    ("postings", "GET", "/audit/officers/{officer_id}/timeline"): frozenset({"auditor"}),
    ("postings", "GET", "/audit/verify"): frozenset({"auditor"}),
    ("postings", "POST", "/delegations"): frozenset({"director_of_hr"}),
    ("postings", "GET", "/delegations"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
    ("postings", "GET", "/delegations/{delegation_id}"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
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
    ("postings", "GET", "/events"): frozenset({"auditor", "integration", "service"}),
    ("postings", "GET", "/healthz"): PUBLIC,
    ("postings", "GET", "/hr-system/deliveries"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "integration"}
    ),
    ("postings", "POST", "/hr-system/deliveries/run"): frozenset(
        {"hr_resource_planning", "integration"}
    ),
    ("postings", "POST", "/hr-system/events"): frozenset({"integration"}),
    ("postings", "POST", "/hr-system/sync"): frozenset({"hr_resource_planning", "integration"}),
    ("postings", "GET", "/hr-system/sync-runs"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "integration"}
    ),
    ("postings", "POST", "/locations"): frozenset({"hr_resource_planning", "integration"}),
    ("postings", "GET", "/locations"): EVERYONE,
    ("postings", "GET", "/locations/{code}"): EVERYONE,
    ("postings", "GET", "/monitoring"): frozenset(
        {"auditor", "director_of_hr", "head_of_resourcing"}
    ),
    ("postings", "POST", "/officers"): frozenset({"hr_resource_planning", "integration"}),
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
    ("postings", "PATCH", "/officers/{officer_id}"): frozenset(
        {"hr_resource_planning", "integration"}
    ),
    ("postings", "GET", "/officers/{officer_id}"): frozenset(
        {
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
        }
    ),
    ("postings", "POST", "/officers/{officer_id}/exceptions"): frozenset({"hr_policy_owner"}),
    ("postings", "GET", "/officers/{officer_id}/exceptions"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
    ("postings", "POST", "/officers/{officer_id}/home-town-exception"): frozenset(
        {"director_of_hr", "head_of_resourcing", "hr_policy_owner", "hr_resource_planning"}
    ),
    ("postings", "GET", "/officers/{officer_id}/notifications"): frozenset(
        {
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
        }
    ),
    ("postings", "PUT", "/officers/{officer_id}/pdr"): frozenset(
        {"hr_resource_planning", "integration"}
    ),
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
    ("postings", "POST", "/officers/{officer_id}/restrictions"): frozenset({"officer", "psd"}),
    ("postings", "GET", "/officers/{officer_id}/restrictions"): frozenset(
        {
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
        }
    ),
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
    ("postings", "GET", "/panel-sittings"): frozenset(
        {
            "auditor",
            "deployment_panel",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
    ("postings", "GET", "/panel-sittings/{sitting_id}"): frozenset(
        {
            "auditor",
            "deployment_panel",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
    ("postings", "GET", "/panel-sittings/{sitting_id}/agenda"): frozenset(
        {
            "auditor",
            "deployment_panel",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
    ("postings", "POST", "/panel-sittings/{sitting_id}/closure"): frozenset({"deployment_panel"}),
    ("postings", "POST", "/panel-sittings/{sitting_id}/outcomes"): frozenset({"deployment_panel"}),
    ("postings", "GET", "/policy"): EVERYONE,
    ("postings", "PUT", "/policy/notice-period"): frozenset(
        {"director_of_hr", "head_of_resourcing", "hr_policy_owner", "hr_resource_planning"}
    ),
    ("postings", "PUT", "/policy/travel-limit"): frozenset(
        {"director_of_hr", "head_of_resourcing", "hr_policy_owner", "hr_resource_planning"}
    ),
    ("postings", "GET", "/postings"): frozenset(
        {
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
        }
    ),
    ("postings", "POST", "/postings/appointments/college"): frozenset({"hr_resource_planning"}),
    ("postings", "POST", "/postings/appointments/divisional"): frozenset({"hr_resource_planning"}),
    ("postings", "POST", "/postings/batches"): frozenset(
        {"director_of_hr", "head_of_resourcing", "hr_policy_owner", "hr_resource_planning"}
    ),
    ("postings", "GET", "/postings/batches/{batch_id}"): frozenset(
        {
            "auditor",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
    ("postings", "POST", "/postings/best-interests"): frozenset({"head_of_resourcing"}),
    ("postings", "POST", "/postings/compulsory"): frozenset(
        {"director_of_hr", "head_of_resourcing", "hr_policy_owner", "hr_resource_planning"}
    ),
    ("postings", "POST", "/postings/redeployments"): frozenset(
        {"divisional_commander", "head_of_department"}
    ),
    ("postings", "POST", "/postings/selections"): frozenset(
        {"hr_resource_planning", "line_manager"}
    ),
    ("postings", "POST", "/postings/senior"): frozenset(
        {"director_of_hr", "head_of_resourcing", "hr_policy_owner", "hr_resource_planning"}
    ),
    ("postings", "GET", "/postings/{posting_id}"): frozenset(
        {
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
        }
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
    ("postings", "GET", "/requests"): frozenset(
        {
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
        }
    ),
    ("postings", "GET", "/requests/{request_id}"): frozenset(
        {
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
        }
    ),
    ("postings", "POST", "/requests/{request_id}/decline"): frozenset({"slt"}),
    ("postings", "POST", "/requests/{request_id}/posting"): frozenset({"hr_resource_planning"}),
    ("postings", "POST", "/requests/{request_id}/support"): frozenset({"slt"}),
    ("postings", "POST", "/retention/officers/{officer_id}/disposal"): frozenset(
        {"director_of_hr", "hr_policy_owner"}
    ),
    ("postings", "GET", "/strength"): frozenset(
        {
            "auditor",
            "deployment_panel",
            "director_of_hr",
            "head_of_resourcing",
            "hr_policy_owner",
            "hr_resource_planning",
        }
    ),
    ("postings", "POST", "/units"): frozenset({"hr_resource_planning"}),
    ("postings", "GET", "/units/{code}"): EVERYONE,
    ("postings", "PUT", "/units/{code}/head"): frozenset({"hr_resource_planning"}),
    ("appeals", "POST", "/appeals"): frozenset({"command_team", "officer"}),
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
    ("appeals", "POST", "/appeals/{appeal_id}/submissions"): frozenset({"command_team", "officer"}),
    ("appeals", "POST", "/appeals/{appeal_id}/withdrawal"): frozenset({"command_team", "officer"}),
    ("appeals", "GET", "/audit/cases/{case_id}"): frozenset({"auditor"}),
    ("appeals", "GET", "/audit/cases/{case_id}/state"): frozenset({"auditor"}),
    ("appeals", "POST", "/audit/checkpoints"): frozenset({"auditor"}),
    ("appeals", "GET", "/audit/consultations"): frozenset({"auditor"}),
    ("appeals", "GET", "/audit/decisions"): frozenset({"auditor"}),
    ("appeals", "GET", "/audit/verify"): frozenset({"auditor"}),
    ("appeals", "GET", "/events"): frozenset({"auditor", "integration", "service"}),
    ("appeals", "GET", "/healthz"): PUBLIC,
    ("appeals", "GET", "/posting-decisions"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "officer"}
    ),
    ("appeals", "GET", "/posting-decisions/{posting_id}"): frozenset(
        {"auditor", "head_of_resourcing", "hr_resource_planning", "officer"}
    ),
    ("appeals", "GET", "/readyz"): PUBLIC,
    ("appeals", "POST", "/retention/officers/{officer_id}/disposal"): frozenset(
        {"director_of_hr", "hr_policy_owner"}
    ),
    ("roi", "GET", "/audit/cases/{case_id}"): frozenset({"auditor"}),
    ("roi", "GET", "/audit/cases/{case_id}/state"): frozenset({"auditor"}),
    ("roi", "POST", "/audit/checkpoints"): frozenset({"auditor"}),
    ("roi", "GET", "/audit/consultations"): frozenset({"auditor"}),
    ("roi", "GET", "/audit/decisions"): frozenset({"auditor"}),
    ("roi", "GET", "/audit/verify"): frozenset({"auditor"}),
    ("roi", "POST", "/commitments"): frozenset(
        {"head_of_l_and_d", "hr_resource_planning", "integration"}
    ),
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
    ("roi", "POST", "/commitments/{commitment_id}/completion"): frozenset(
        {"head_of_l_and_d", "hr_resource_planning", "integration"}
    ),
    ("roi", "POST", "/commitments/{commitment_id}/ending"): frozenset(
        {"head_of_l_and_d", "hr_resource_planning", "integration"}
    ),
    ("roi", "POST", "/commitments/{commitment_id}/local-case"): frozenset({"head_of_department"}),
    ("roi", "POST", "/commitments/{commitment_id}/local-release"): frozenset(
        {"head_of_resourcing"}
    ),
    ("roi", "POST", "/commitments/{commitment_id}/notice"): frozenset(
        {"head_of_l_and_d", "hr_resource_planning", "integration"}
    ),
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
    ("roi", "GET", "/events"): frozenset({"auditor", "integration", "service"}),
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
    ("roi", "POST", "/retention/officers/{officer_id}/disposal"): frozenset(
        {"director_of_hr", "hr_policy_owner"}
    ),
}
