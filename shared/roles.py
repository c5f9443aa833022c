"""Who acts (DOMAIN.md, 'Who acts'). One role per token: a decision records the role it was
taken in."""

from __future__ import annotations

from enum import Enum


class Role(Enum):
    # Deliberately not a str subclass: JSON would otherwise store it as a bare string and a
    # replayed event would come back holding a str, not a Role.
    OFFICER = "officer"
    COMMAND_TEAM = "command_team"
    LINE_MANAGER = "line_manager"
    SLT = "slt"
    HR_RESOURCE_PLANNING = "hr_resource_planning"
    HEAD_OF_RESOURCING = "head_of_resourcing"
    DIRECTOR_OF_HR = "director_of_hr"
    DEPLOYMENT_PANEL = "deployment_panel"
    FORCE_RESOURCING_PANEL = "force_resourcing_panel"
    PSD = "psd"
    DIVISIONAL_COMMANDER = "divisional_commander"
    HEAD_OF_DEPARTMENT = "head_of_department"
    HEAD_OF_L_AND_D = "head_of_l_and_d"
    HEAD_OF_PROFESSION = "head_of_profession"
    HR_POLICY_OWNER = "hr_policy_owner"
    AUDITOR = "auditor"
    INTEGRATION = "integration"
    #: Another service of this system (reads feeds, asks questions); never a person.
    SERVICE = "service"


#: Roles of HR staff: they may see welfare and health factors (L1800 3.1.3).
HR_ROLES = frozenset(
    {
        Role.HR_RESOURCE_PLANNING,
        Role.HEAD_OF_RESOURCING,
        Role.DIRECTOR_OF_HR,
        Role.HR_POLICY_OWNER,
    }
)

#: Roles that read an event feed: auditors, the HR-system integration and other services.
FEED_READERS = frozenset({Role.AUDITOR, Role.INTEGRATION, Role.SERVICE})

#: Roles that act for one division or department, named by their token's division claim.
DIVISIONAL_ROLES = frozenset({Role.SLT, Role.DIVISIONAL_COMMANDER, Role.HEAD_OF_DEPARTMENT})
