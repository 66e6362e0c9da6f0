"""Factories for learning events: an index under the home page and one builder per kind.

Each builder fills the required fields with plausible values, accepts any model field as a
keyword, saves through a revision (published unless ``publish=False``) and returns the
specific page, e.g. ``make_workshop(make_event_index(home), title="Peer review in Murcia")``.
"""

import datetime

from learning_events.models import (
    AgendaSession,
    LearningEventIndexPage,
    MasterclassExpert,
    MasterclassPage,
    PeerReviewWorkshopPage,
    StaffExchangePage,
    StudyVisitPage,
    StudyVisitPractice,
    StudyVisitSite,
)
from tests.factories import CountryFactory, OrganisationFactory, make_site


def make_event_index(home=None, **fields):
    """The events index (slug ``events``) under the home page, created once."""
    if home is None:
        home, _practices = make_site()
    index = LearningEventIndexPage.objects.child_of(home).first()
    if index is None:
        defaults = {"title": "Learning events", "slug": "events"}
        defaults.update(fields)
        index = home.add_child(instance=LearningEventIndexPage(**defaults))
        index.save_revision().publish()
    return index


def _make_event(
    page_class,
    index,
    *,
    publish=True,
    agenda=(),
    participants=(),
    participating_regions=(),
    **fields,
):
    if index is None:
        index = make_event_index()
    n = page_class.objects.count()
    start = fields.pop("start_date", None) or datetime.date.today() + datetime.timedelta(days=30)
    defaults = {
        "title": f"{page_class._meta.verbose_name.capitalize()} {n}",
        "summary": "An event summary.",
        "start_date": start,
        "end_date": start + datetime.timedelta(days=1),
        "venue_city": "Valladolid",
        "venue_country": fields.pop("venue_country", None) or CountryFactory(),
    }
    defaults.update(fields)
    page = page_class(**defaults)
    page.agenda_sessions = [AgendaSession(**row) for row in agenda]
    page.participating_organisations = list(participants)
    page.participating_regions = list(participating_regions)
    page.live = publish
    index.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_study_visit(index=None, *, practices=(), sites=(), **fields):
    """``practices``: PracticePage objects visited; ``sites``: dicts of StudyVisitSite fields."""
    return _make_event(
        StudyVisitPage,
        index,
        visited_practices=[StudyVisitPractice(practice=p) for p in practices],
        sites=[StudyVisitSite(**s) for s in sites],
        **fields,
    )


def make_masterclass(index=None, *, experts=(), **fields):
    fields.setdefault("topic", "Integrated social services")
    return _make_event(
        MasterclassPage, index, experts=[MasterclassExpert(**e) for e in experts], **fields
    )


def make_workshop(index=None, *, peer_organisations=(), peer_regions=(), **fields):
    fields.setdefault("policy_challenge", "How can the region reach people who never ask for help?")
    page = PeerReviewWorkshopPage
    fields["peer_organisations"] = list(peer_organisations)
    fields["peer_regions"] = list(peer_regions)
    return _make_event(page, index, **fields)


def make_staff_exchange(index=None, **fields):
    if "sending_organisation" not in fields:
        fields["sending_organisation"] = OrganisationFactory()
    if "receiving_organisation" not in fields:
        fields["receiving_organisation"] = OrganisationFactory()
    return _make_event(StaffExchangePage, index, **fields)
