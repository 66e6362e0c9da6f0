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

__all__ = [
    "CooperationProject",
    "Country",
    "FundingProgramme",
    "HomePage",
    "Organisation",
    "OrganisationType",
    "Region",
    "StandardPage",
    "TargetGroup",
    "Theme",
]
