"""Learning events: a concrete, non-creatable ``LearningEventPage`` composed of field-group
mixins, and one page type per kind of event.

The shared page is concrete (multi-table, like ``Page`` itself) rather than abstract so that
the events index, feeds, calendars and the hooks on practice, project and region pages query
one table: filtering, ordering and pagination happen in the database whatever the kind.
"""

from .mixins import EventFormat, EventStatus
from .pages import (
    KIND_SLUGS,
    LearningEventIndexPage,
    LearningEventPage,
    MasterclassPage,
    PeerReviewWorkshopPage,
    StaffExchangePage,
    StudyVisitPage,
)
from .rows import (
    AgendaSession,
    EventDocument,
    EventPhoto,
    MasterclassExpert,
    MasterclassMaterial,
    StudyVisitPractice,
    StudyVisitSite,
    WorkshopBackgroundDocument,
)

__all__ = [
    "KIND_SLUGS",
    "AgendaSession",
    "EventDocument",
    "EventFormat",
    "EventPhoto",
    "EventStatus",
    "LearningEventIndexPage",
    "LearningEventPage",
    "MasterclassExpert",
    "MasterclassMaterial",
    "MasterclassPage",
    "PeerReviewWorkshopPage",
    "StaffExchangePage",
    "StudyVisitPage",
    "StudyVisitPractice",
    "StudyVisitSite",
    "WorkshopBackgroundDocument",
]
