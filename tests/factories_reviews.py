"""Factories for peer reviews: a worksheet under a peer-review workshop, invitations,
organisers and answers."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from peer_reviews.models import Invitation, PeerReviewWorksheetPage, WorksheetQuestion
from peer_reviews.services import save_answers
from tests.factories import OrganisationFactory, RegionFactory, UserFactory
from tests.factories_events import make_event_index, make_workshop


def make_worksheet(
    workshop=None,
    *,
    questions=None,
    deadline=None,
    organisers=(),
    host_group=None,
    publish=True,
    **fields,
):
    """A worksheet (classic template questions unless ``questions``: dicts of question
    fields) under ``workshop`` (a new peer-review workshop by default)."""
    if workshop is None:
        workshop = make_workshop(make_event_index())
    defaults = {
        "title": f"Worksheet {PeerReviewWorksheetPage.objects.count()}",
        "deadline": deadline or timezone.now() + datetime.timedelta(days=14),
        "host_group": host_group,
    }
    defaults.update(fields)
    page = PeerReviewWorksheetPage(**defaults)
    if questions is None:
        page.apply_template()
    else:
        page.questions = [WorksheetQuestion(**q) for q in questions]
    page.organisers = list(organisers)
    page.live = publish
    workshop.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_invitation(worksheet_or_event, **fields):
    event = worksheet_or_event
    if isinstance(event, PeerReviewWorksheetPage):
        event = event.get_parent()
    n = Invitation.objects.count()
    if "organisation" not in fields:
        region = RegionFactory()
        fields["organisation"] = OrganisationFactory(country=region.country, region=region)
    fields.setdefault("name", f"Participant {n}")
    return Invitation.objects.create(event=event, **fields)


def answer(worksheet, invitation, data, *, submit=True):
    """Store answers directly (``data`` keyed by question label or clean name)."""
    by_label = {q.label: q.clean_name for q in worksheet.get_question_rows()}
    cleaned = {by_label.get(key, key): value for key, value in data.items()}
    return save_answers(worksheet, invitation, cleaned, submit=submit)


def make_organiser_group(page, name="Event organisers"):
    """A group with admin access and add/edit/publish rights on ``page``'s subtree."""
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=Permission.objects.get(codename=codename)
        )
    return group


def make_user(*groups, **fields):
    user = UserFactory(**fields)
    for group in groups:
        user.groups.add(group)
    return user
