"""Who may read the answers of a worksheet.

- organisers manage a worksheet (invite, read every answer, write the report): superusers,
  the users listed as the worksheet's organisers, and the event's organisers when the event
  page declares them (an ``organisers`` many-to-many of users);
- readers read every answer, the results and the report: organisers, the members of the
  host organisation's group set on the worksheet, and the project coordinators of the
  event's cooperation project (``portal.roles``; issue 6);
- a participant reads (and, until the deadline, changes) their own answers only;
- nobody else, anonymous visitors and other participants included.

Editing the worksheet page itself is a page permission: ``WorksheetPermissionTester`` lets
the coordinators of the event's project edit, publish and delete it (see
``learning_events.permissions``).
"""

from learning_events.permissions import ScopedPagePermissionTester, event_in_scope


class WorksheetPermissionTester(ScopedPagePermissionTester):
    def in_scope(self):
        return event_in_scope(self.user, self.page.event)


def _event_organiser_ids(worksheet):
    event = worksheet.event
    organisers = getattr(event, "organisers", None)
    if organisers is None or not hasattr(organisers, "values_list"):
        return set()
    return set(organisers.values_list("pk", flat=True))


def can_manage(user, worksheet):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if worksheet.organisers.filter(pk=user.pk).exists():
        return True
    return user.pk in _event_organiser_ids(worksheet)


def coordinates_event_project(user, worksheet):
    """Is ``user`` a project coordinator of the cooperation project of the worksheet's
    event?"""
    if not user.is_authenticated or not user.is_active:
        return False
    return event_in_scope(user, worksheet.event)


def can_read_answers(user, worksheet):
    if can_manage(user, worksheet):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if coordinates_event_project(user, worksheet):
        return True
    if not worksheet.host_group_id:
        return False
    return user.groups.filter(pk=worksheet.host_group_id).exists()


def readable_worksheet_ids(user, queryset):
    """The ids of the worksheets in ``queryset`` whose answers ``user`` may read."""
    return [page.pk for page in queryset.specific() if can_read_answers(user, page)]
