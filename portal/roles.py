"""Roles: who may do what, set up as ordinary Wagtail groups.

- Site editors: every content permission (pages anywhere, reference data, documents, images).
  Administrators are Django superusers.
- Partner authors: one group per partner organisation. They write and submit their own
  organisation's practices; they cannot publish and cannot change reference data.
- Project coordinators: one group per cooperation project. They edit the practices of the
  project (and of its partners) and, through what other apps register, its events and
  worksheets.
- Validators: review submitted practices in the validation workflow; no other edit rights.

``setup_roles()`` creates or refreshes the groups and their permissions; it is idempotent and
apps add their own grants through the ``setup_roles`` hook (see docs/roles.md).
Per-object checks ask ``role_scope(user)`` which organisations and projects a user acts for.
"""

import threading
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from .models import CooperationProject, Organisation, Role, RoleGroup
from .models.reference import Country, Region, TargetGroup, Theme

REFERENCE_MODELS = [Country, Region, Organisation, CooperationProject, TargetGroup, Theme]
GROUP_NAME_MAX = 150
SITE_EDITORS = "Site editors"
VALIDATORS = "Validators"


@dataclass
class RoleScope:
    """What one user acts for, read once per request and cached on the user object."""

    site_editor: bool = False
    validator: bool = False
    organisation_ids: set = field(default_factory=set)  # partner author of these
    project_ids: set = field(default_factory=set)  # coordinator of these
    project_partner_ids: set = field(default_factory=set)  # partners of those projects

    @property
    def editable_organisation_ids(self):
        """Organisations whose practices this user may write."""
        return self.organisation_ids | self.project_partner_ids


def role_scope(user):
    cached = getattr(user, "_portal_role_scope", None)
    if cached is not None:
        return cached
    scope = RoleScope()
    if user.is_authenticated and user.is_active:
        rows = RoleGroup.objects.filter(group__user=user).values_list(
            "role", "organisation_id", "project_id"
        )
        for role, organisation_id, project_id in rows:
            if role == Role.SITE_EDITOR:
                scope.site_editor = True
            elif role == Role.VALIDATOR:
                scope.validator = True
            elif role == Role.PARTNER_AUTHOR:
                scope.organisation_ids.add(organisation_id)
            elif role == Role.PROJECT_COORDINATOR:
                scope.project_ids.add(project_id)
        if scope.project_ids:
            scope.project_partner_ids = set(
                CooperationProject.partners.through.objects.filter(
                    cooperationproject_id__in=scope.project_ids
                ).values_list("organisation_id", flat=True)
            )
    user._portal_role_scope = scope
    return scope


def is_site_editor(user):
    return user.is_active and (user.is_superuser or role_scope(user).site_editor)


def _group_name(prefix, label):
    return f"{prefix}: {label}"[:GROUP_NAME_MAX]


def _role_group(role, name, organisation=None, project=None):
    """The group for this role (and organisation or project), created if missing. A group
    renamed by hand in the admin keeps its new name."""
    role_group = (
        RoleGroup.objects.select_related("group")
        .filter(role=role, organisation=organisation, project=project)
        .first()
    )
    if role_group is not None:
        return role_group.group
    group, _created = Group.objects.get_or_create(name=name)
    if RoleGroup.objects.filter(group=group).exists():
        # The name is taken by a group with another role (truncated long names can collide).
        group = Group.objects.create(
            name=f"{name[: GROUP_NAME_MAX - 12]} ({Group.objects.count()})"
        )
    RoleGroup.objects.create(group=group, role=role, organisation=organisation, project=project)
    return group


def model_permissions(model, actions=("add", "change", "delete", "view")):
    content_type = ContentType.objects.get_for_model(model)
    codenames = [f"{action}_{model._meta.model_name}" for action in actions]
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def grant_page_permissions(group, page, actions):
    """GroupPagePermission rows for ``actions`` ("add", "change", "publish", ...) on ``page``."""
    content_type = ContentType.objects.get_for_model(Page)
    for action in actions:
        permission = Permission.objects.get(content_type=content_type, codename=f"{action}_page")
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def grant_collection_permissions(group, model, actions):
    root = Collection.get_first_root_node()
    for permission in model_permissions(model, actions):
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=permission
        )


def _admin_access():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def _submit_translation():
    """wagtail-localize's permission to start a translation of a page or a project (its
    "Translate" action; editing the translation then takes the record's own permissions).
    Made by a wagtail-localize migration, so a flushed database (the browser tests) lacks it:
    made again here as that migration makes it."""
    from django.contrib.contenttypes.models import ContentType

    content_type, _created = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    return permission


@dataclass
class RoleGroups:
    """The groups ``setup_roles`` made, handed to every ``setup_roles`` hook."""

    site_editors: Group
    validators: Group
    partner_authors: dict  # organisation id -> Group
    project_coordinators: dict  # project id -> Group

    @property
    def contributors(self):
        """Partner author and coordinator groups: the people who write content."""
        return [*self.partner_authors.values(), *self.project_coordinators.values()]


@transaction.atomic
def setup_roles(organisations=None, projects=None):
    """Create or refresh the role groups and their permissions; returns report lines. By
    default every organisation and project gets its group; pass ``organisations`` and/or
    ``projects`` to set up only those (what happens when one is added in the admin)."""
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    access_admin = _admin_access()
    view_reference = [p for model in REFERENCE_MODELS for p in model_permissions(model, ["view"])]
    partial = organisations is not None or projects is not None

    site_editors = _role_group(Role.SITE_EDITOR, SITE_EDITORS)
    validators = _role_group(Role.VALIDATOR, VALIDATORS)
    if not partial:
        site_editors.permissions.add(
            access_admin,
            _submit_translation(),
            *[p for model in REFERENCE_MODELS for p in model_permissions(model)],
        )
        grant_page_permissions(
            site_editors,
            Page.get_first_root_node(),
            ["add", "change", "publish", "bulk_delete", "lock", "unlock"],
        )
        grant_collection_permissions(site_editors, Document, ["add", "change", "delete", "choose"])
        grant_collection_permissions(site_editors, Image, ["add", "change", "delete", "choose"])
        validators.permissions.add(access_admin, *view_reference)

    authors = {}
    if organisations is None:
        organisations = Organisation.objects.order_by("name")
    if projects is None:
        projects = CooperationProject.objects.originals().order_by("acronym")
    for organisation in organisations:
        group = _role_group(
            Role.PARTNER_AUTHOR,
            _group_name(_("Partner authors"), organisation.name),
            organisation=organisation,
        )
        authors[organisation.pk] = group
    coordinators = {}
    for project in projects:
        group = _role_group(
            Role.PROJECT_COORDINATOR,
            _group_name(_("Project coordinators"), project.acronym),
            project=project,
        )
        coordinators[project.pk] = group

    groups = RoleGroups(site_editors, validators, authors, coordinators)
    for group in groups.contributors:
        group.permissions.add(access_admin, *view_reference)
        grant_collection_permissions(group, Document, ["add", "choose"])

    lines = [
        f"Roles: 1 site editor group, 1 validator group, {len(authors)} partner author groups, "
        f"{len(coordinators)} project coordinator groups"
    ]
    for contribute in hooks.get_hooks("setup_roles"):
        message = contribute(groups)
        if message:
            lines.append(message)
    return lines


_pending = threading.local()


def setup_roles_for_new(sender, instance, created, raw=False, **kwargs):
    """post_save: an organisation or project added in the admin (or by an import) gets its
    group once the transaction commits. Those saved in one transaction are set up together:
    the first callback does the work, the others find nothing left to do."""
    if not created or raw:
        return
    if getattr(_pending, "items", None) is None:
        _pending.items = {Organisation: set(), CooperationProject: set()}
    _pending.items[type(instance)].add(instance.pk)
    transaction.on_commit(_setup_pending)


def _setup_pending():
    items, _pending.items = getattr(_pending, "items", None), None
    if not items or not any(items.values()):
        return
    # Rows saved in a transaction that was rolled back are gone: filter by what exists.
    setup_roles(
        organisations=list(Organisation.objects.filter(pk__in=items[Organisation])),
        projects=list(
            CooperationProject.objects.originals().filter(pk__in=items[CooperationProject])
        ),
    )
