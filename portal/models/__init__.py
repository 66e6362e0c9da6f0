from .pages import HomePage, StandardPage
from .reference import (
    CooperationProject,
    Country,
    FundingProgramme,
    Organisation,
    OrganisationType,
    Region,
    TargetGroup,
    Theme,
)
from .roles import Role, RoleGroup

__all__ = [
    "CooperationProject",
    "Country",
    "FundingProgramme",
    "HomePage",
    "Organisation",
    "OrganisationType",
    "Region",
    "Role",
    "RoleGroup",
    "StandardPage",
    "TargetGroup",
    "Theme",
]
