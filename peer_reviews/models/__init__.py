from .pages import PeerReviewWorksheetPage, WorksheetQuestion
from .participation import Invitation, SubmissionStatus, WorksheetSubmission
from .report import QuotedAnswer, RecommendationsReport

__all__ = [
    "Invitation",
    "PeerReviewWorksheetPage",
    "QuotedAnswer",
    "RecommendationsReport",
    "SubmissionStatus",
    "WorksheetQuestion",
    "WorksheetSubmission",
]
