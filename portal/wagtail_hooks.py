"""Reference data in the admin: one snippet viewset per model, grouped under one menu item,
each with search (plain ORM lookups, no search index to keep in step) and filters."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CooperationProject, Country, Organisation, Region, TargetGroup, Theme


class ReferenceViewSet(SnippetViewSet):
    search_backend_name = None
    copy_view_enabled = False
    inspect_view_enabled = True


class CountryViewSet(ReferenceViewSet):
    model = Country
    icon = "globe"
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    ordering = ["name"]


class RegionViewSet(ReferenceViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "nuts_code", "country"]
    list_filter = ["country"]
    search_fields = ["name", "nuts_code"]
    ordering = ["country__name", "name"]


class OrganisationViewSet(ReferenceViewSet):
    model = Organisation
    icon = "group"
    list_display = ["name", "organisation_type", "country", "region"]
    list_filter = ["organisation_type", "country"]
    search_fields = ["name"]
    ordering = ["name"]


class OriginalProjectsMixin:
    """A chooser offers the projects themselves, never their translations: a practice, an
    event or a plan names the original project (portal.models.reference)."""

    def get_object_list(self):
        return CooperationProject.objects.originals()


class ProjectChooseView(OriginalProjectsMixin, ChooseView):
    pass


class ProjectChooseResultsView(OriginalProjectsMixin, ChooseResultsView):
    pass


class ProjectChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ProjectChooseView
    choose_results_view_class = ProjectChooseResultsView


class CooperationProjectViewSet(ReferenceViewSet):
    """Projects and their translations (wagtail-localize's "Translate" on a project): the
    listing has Wagtail's locale filter; the chooser offers originals only."""

    model = CooperationProject
    chooser_viewset_class = ProjectChooserViewSet
    icon = "link"
    list_display = ["acronym", "name", "programme", "start_date", "end_date"]
    list_filter = ["programme", "countries"]
    search_fields = ["acronym", "name", "summary"]
    ordering = ["acronym"]


class TargetGroupViewSet(ReferenceViewSet):
    model = TargetGroup
    icon = "user"
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    ordering = ["name"]


class ThemeViewSet(ReferenceViewSet):
    model = Theme
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = _("Reference data")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (
        CountryViewSet,
        RegionViewSet,
        OrganisationViewSet,
        CooperationProjectViewSet,
        TargetGroupViewSet,
        ThemeViewSet,
    )


register_snippet(ReferenceDataGroup)


DEMO_AUTHOR_ORGANISATION = "Social Services of Castilla y León"
DEMO_COORDINATED_PROJECT = "NEAR"


@hooks.register("load_demo_content", order=40)
def load_demo_roles(home):
    from .roles import setup_roles

    return "\n".join(setup_roles())


@hooks.register("create_demo_users")
def create_demo_role_users():
    """A partner author (for a seed organisation), a validator and a coordinator (NEAR)."""
    from django.contrib.auth import get_user_model

    from .models import CooperationProject, Organisation, Role, RoleGroup
    from .roles import setup_roles

    setup_roles()
    wanted = [(_("validator"), "validator", RoleGroup.objects.filter(role=Role.VALIDATOR))]
    organisation = Organisation.objects.filter(name=DEMO_AUTHOR_ORGANISATION).first()
    if organisation:
        wanted.append(
            (
                _("partner author"),
                "partner-author",
                RoleGroup.objects.filter(role=Role.PARTNER_AUTHOR, organisation=organisation),
            )
        )
    project = (
        CooperationProject.objects.originals().filter(acronym=DEMO_COORDINATED_PROJECT).first()
    )
    if project:
        wanted.append(
            (
                _("project coordinator"),
                "coordinator",
                RoleGroup.objects.filter(role=Role.PROJECT_COORDINATOR, project=project),
            )
        )
    User = get_user_model()
    created = []
    for role, username, role_groups in wanted:
        if User.objects.filter(username=username).exists():
            continue
        password = f"changeme-{username}"
        user = User.objects.create_user(
            username=username,
            email=f"{username}@example.org",
            password=password,
            first_name=str(role).capitalize(),
        )
        user.groups.set([role_group.group for role_group in role_groups.select_related("group")])
        created.append((str(role), username, password))
    return created


@hooks.register("insert_global_admin_js")
def admin_init_js():
    """Starts what Wagtail would start with inline scripts (see portal/security.py)."""
    return format_html('<script src="{}"></script>', static("portal/js/admin-init.js"))


@hooks.register("insert_editor_js")
def editor_labels_js():
    """Labels the input Wagtail's tag field types into (the Themes field), for screen readers."""
    return format_html('<script src="{}"></script>', static("portal/js/admin-labels.js"))


# After the domain apps' types (order 0): practices and events come first in the type facet
# and in a rebuild.
@hooks.register("register_search_type", order=50)
def project_search_type():
    from .search_documents import project_search_type

    return project_search_type()


@hooks.register("register_search_type", order=50)
def region_search_type():
    from .search_documents import region_search_type

    return region_search_type()


@hooks.register("register_search_type", order=50)
def organisation_search_type():
    from .search_documents import organisation_search_type

    return organisation_search_type()


# -- translated versions (docs/languages.md) ---------------------------------------------------


@hooks.register("register_admin_urls")
def translation_admin_urls():
    from .translation_admin import admin_urls

    return admin_urls()


@hooks.register("register_reports_menu_item")
def translations_to_review_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    return MenuItem(
        _("Machine translations to review"),
        reverse("portal_translations_to_review"),
        icon_name="doc-full",
        order=900,
    )


@hooks.register("register_page_header_buttons")
def review_translation_button(page, user, view_name, next_url=None):
    """On a machine-translated page not yet reviewed: the way to mark it as reviewed."""
    from wagtail.admin.widgets import Button

    from .models import TranslatedVersion
    from .translation_admin import review_url

    version = TranslatedVersion.objects.filter(page_id=page.pk).first()
    if version is not None and version.needs_review:
        yield Button(
            _("Machine translation: mark as reviewed"),
            review_url(page),
            icon_name="doc-full",
            priority=80,
        )


@hooks.register("load_demo_content", order=90)  # after the practices, events and projects
def load_demo_illustrations(home):
    from .demo_images import load_illustrations

    return f"Lead illustrations: {load_illustrations()} given."


@hooks.register("load_demo_content", order=95)  # after the illustrations (they are shared)
def load_demo_project_translations(home):
    from .demo import load_project_translations

    return load_project_translations()


# After the domain apps' records (order 0), as in the search's type facet.
@hooks.register("register_public_record", order=50)
def project_public_record():
    from .schemas import project_record

    return project_record()


@hooks.register("register_public_record", order=50)
def region_public_record():
    from .schemas import region_record

    return region_record()


@hooks.register("register_public_record", order=50)
def organisation_public_record():
    from .schemas import organisation_record

    return organisation_record()
