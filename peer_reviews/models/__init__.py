from .pages import PeerReviewWorksheetPage, WorksheetQuestion
from .participation import (
    ANONYMOUS_PARTICIPANT,
    Invitation,
    SubmissionStatus,
    WorksheetSubmission,
)
from .report import (
    HostResponse,
    QuotedAnswer,
    Recommendation,
    RecommendationPriority,
    RecommendationsReport,
)

__all__ = [
    "ANONYMOUS_PARTICIPANT",
    "HostResponse",
    "Invitation",
    "PeerReviewWorksheetPage",
    "QuotedAnswer",
    "Recommendation",
    "RecommendationPriority",
    "RecommendationsReport",
    "SubmissionStatus",
    "WorksheetQuestion",
    "WorksheetSubmission",
]
