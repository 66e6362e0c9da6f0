from .pages import PeerReviewWorksheetPage, WorksheetQuestion
from .participation import (
    ANONYMOUS_PARTICIPANT,
    Invitation,
    SubmissionStatus,
    WorksheetSubmission,
)
from .report import QuotedAnswer, RecommendationsReport

__all__ = [
    "ANONYMOUS_PARTICIPANT",
    "Invitation",
    "PeerReviewWorksheetPage",
    "QuotedAnswer",
    "RecommendationsReport",
    "SubmissionStatus",
    "WorksheetQuestion",
    "WorksheetSubmission",
]
