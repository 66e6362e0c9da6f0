"""Per-event permissions on top of Wagtail's page permissions (issue 6).

Project coordinator groups hold only Wagtail's **add** page permission on the events index
(granted by the ``setup_roles`` hook in ``wagtail_hooks.py``): Wagtail then lets them create
events there. Which existing events (and the pages under them, such as peer-review worksheets)
they may edit, publish, unpublish and delete is decided per page: the event's ``project``
must be one they coordinate. This replaces Wagtail's rule for "add" ("you may edit the pages
you own"). Everything in the admin asks ``page.permissions_for_user()``, so edit, delete,
publish, preview, revisions, copy, move and bulk actions all apply the rule.

Site editors (``change`` and ``publish`` from the root) and superusers keep Wagtail's own
behaviour; partner authors and validators hold nothing on the events index, so they may do
nothing there.
"""

from wagtail.models import PagePermissionTester

from portal.roles import role_scope


def project_in_scope(user, project_id):
    """Does ``user`` coordinate the project ``project_id``?"""
    return project_id is not None and project_id in role_scope(user).project_ids


def event_in_scope(user, event):
    return project_in_scope(user, getattr(event, "project_id", None))


class ScopedPagePermissionTester(PagePermissionTester):
    """A page that writers holding only "add" may manage when ``in_scope()`` says so.

    Subclasses define ``in_scope()``. Writers in scope may edit, publish, unpublish, delete
    (a page without children) and add (and publish) pages below; they may not move, copy,
    reorder or lock, which would reach beyond their scope."""

    def in_scope(self):
        raise NotImplementedError

    def _full_editor(self):
        return self.user.is_superuser or "change" in self.permissions

    def _scoped_writer(self):
        """Holds "add" but not "change": a coordinator, limited to their projects."""
        return "change" not in self.permissions and "add" in self.permissions and self.in_scope()

    def _active(self):
        return self.user.is_active and not self.page_is_root

    def can_edit(self):
        if not self._active():
            return False
        if self._full_editor() or self._scoped_writer():
            return True
        task = self.page.current_workflow_task
        return bool(task and task.user_can_access_editor(self.page, self.user))

    def can_delete(self, ignore_bulk=False):
        if not self._active():
            return False
        if self._full_editor():
            return super().can_delete(ignore_bulk=ignore_bulk)
        # An event with worksheets (and their answers) below it is never deleted by a writer.
        return self._scoped_writer() and self.page.is_leaf()

    def can_publish(self):
        if not self._active():
            return False
        if self._full_editor():
            return super().can_publish()
        return self._scoped_writer()

    def can_unpublish(self):
        if not self._active() or not self.page.live or self.page_locked():
            return False
        if self._full_editor():
            return super().can_unpublish()
        return self._scoped_writer()

    def can_add_subpage(self):
        if not self.user.is_active:
            return False
        if not (self._full_editor() or self._scoped_writer()):
            return False
        return super().can_add_subpage()

    def can_publish_subpage(self):
        if not self.user.is_active:
            return False
        if self._full_editor():
            return super().can_publish_subpage()
        specific_class = self.page.specific_class
        return bool(
            self._scoped_writer()
            and specific_class is not None
            and specific_class.creatable_subpage_models()
        )

    def can_submit_for_moderation(self):
        return self.can_edit() and super().can_submit_for_moderation()

    def can_move(self):
        return self.user.is_active and self._full_editor() and super().can_move()

    def can_copy(self):
        return self.user.is_active and self._full_editor() and super().can_copy()

    def can_view_revisions(self):
        return self.can_edit()


class LearningEventPermissionTester(ScopedPagePermissionTester):
    def in_scope(self):
        return event_in_scope(self.user, self.page)
