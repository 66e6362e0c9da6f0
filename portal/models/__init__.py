from .images import LeadImageMixin
from .legal import (
    AccessibilityStatementPage,
    LegalNoticePage,
    PrivacyNoticePage,
)
from .pages import HomePage, StandardPage
from .reference import (
    SYNCHRONIZED_PROJECT,
    CooperationProject,
    Country,
    FundingProgramme,
    Organisation,
    OrganisationType,
    Region,
    TargetGroup,
    Theme,
    original_projects,
)
from .roles import Role, RoleGroup
from .translations import TranslatedVersion, TranslationKind

__all__ = [
    "SYNCHRONIZED_PROJECT",
    "AccessibilityStatementPage",
    "CooperationProject",
    "Country",
    "FundingProgramme",
    "HomePage",
    "LeadImageMixin",
    "LegalNoticePage",
    "Organisation",
    "PrivacyNoticePage",
    "OrganisationType",
    "Region",
    "Role",
    "RoleGroup",
    "StandardPage",
    "TargetGroup",
    "Theme",
    "TranslatedVersion",
    "TranslationKind",
    "original_projects",
]
