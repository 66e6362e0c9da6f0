"""What learning events add to other pages (home, practice, project, region), the admin
listing of all events, and the demo content."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.views.pages.listing import IndexView
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy

from portal.languages import in_visitor_language
from portal.roles import role_scope

from .filters import published_events, upcoming_first
from .models import AgendaSession, LearningEventPage, StudyVisitPractice

HOME_UPCOMING = 4


def _events_url():
    from .models import LearningEventIndexPage

    index = LearningEventIndexPage.objects.live().first()
    return index.url if index else None


@hooks.register("portal_home_context")
def upcoming_events(request, context):
    events = in_visitor_language(
        published_events()
        .upcoming()
        .order_by("starts_at", "title")
        .with_card_data()[:HOME_UPCOMING]
    )
    if events:
        context["home_sections"].append(
            {
                "title": _("Upcoming learning events"),
                "template": "learning_events/_event_list.html",
                "items": events,
                "more_url": _events_url(),
                "more_label": _("All learning events"),
            }
        )
    count = published_events().count()
    if count:
        context["home_counts"].append({"value": count, "label": _("learning events")})


@hooks.register("portal_project_sections")
def project_learning_journey(project, request):
    """The project's events in date order: its learning journey."""
    events = in_visitor_language(
        published_events().filter(project=project).order_by("starts_at", "title").with_card_data()
    )
    if not events:
        return None
    return {
        "title": _("Learning journey"),
        "template": "learning_events/_event_journey.html",
        "items": events,
    }


@hooks.register("portal_region_sections")
def region_hosted_events(region, request):
    events = in_visitor_language(
        upcoming_first(published_events().filter(host_region=region)).with_card_data()
    )
    if not events:
        return None
    return {
        "title": _("Learning events hosted"),
        "template": "learning_events/_event_list.html",
        "items": events,
    }


def _count_by(rows, key):
    return {row[key]: row["n"] for row in rows}


@hooks.register("portal_reference_counts")
def event_counts(model, pks):
    """Published events per region (hosted there, as on the region's page) or organisation
    (hosting or taking part), for the result cards of regions and organisations."""
    from portal.models import Organisation, Region

    if model not in (Region, Organisation):
        return None
    # The public-pages rule reads the view restrictions when built: built once, used twice.
    published = published_events()
    if model is Region:
        counts = _count_by(
            published.filter(host_region__in=pks)
            .order_by()
            .values("host_region")
            .annotate(n=Count("pk")),
            "host_region",
        )
    else:
        counts = _count_by(
            published.filter(host_organisation__in=pks)
            .order_by()
            .values("host_organisation")
            .annotate(n=Count("pk")),
            "host_organisation",
        )
        through = LearningEventPage.participating_organisations.through
        taking_part = (
            through.objects.filter(
                organisation__in=pks, learningeventpage__in=published.values("pk")
            )
            .exclude(learningeventpage__host_organisation=F("organisation"))
            .order_by()
            .values("organisation")
            .annotate(n=Count("learningeventpage", distinct=True))
        )
        for pk, n in _count_by(taking_part, "organisation").items():
            counts[pk] = counts.get(pk, 0) + n

    def wording(n):
        return ngettext("%(count)s learning event", "%(count)s learning events", n) % {"count": n}

    return wording, counts


def events_of_practice(practice):
    """Published events where the practice was presented (agenda) or visited (study visit)."""
    presented = AgendaSession.objects.filter(practice=practice).values("event_id")
    visited = StudyVisitPractice.objects.filter(practice=practice).values("event_id")
    return published_events().filter(Q(pk__in=presented) | Q(pk__in=visited))


@hooks.register("practice_page_sections")
def practice_events(page, request, context):
    events = in_visitor_language(upcoming_first(events_of_practice(page)).with_card_data())
    if events:
        context["related_sections"].append(
            {
                "title": _("Learning events where this practice was presented or visited"),
                "template": "learning_events/_event_list.html",
                "items": events,
            }
        )


class LearningEventIndexView(IndexView):
    """Wagtail lists every page under one the user may add to; a coordinator holds "add" on
    the events index, so drafts of other projects' events (titles included) would show,
    though the coordinator may not open them. Drafts are listed only where the user may
    edit them: their own projects' events, or pages they hold "change" on (or own)."""

    def get_base_queryset(self):
        pages = super().get_base_queryset()
        user = self.request.user
        if user.is_superuser:
            return pages
        editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, ["change"])
        return pages.filter(
            Q(live=True)
            | Q(project_id__in=role_scope(user).project_ids)
            | Q(pk__in=editable.values("pk"))
        )


class LearningEventListingViewSet(PageListingViewSet):
    """Every learning event in one flat admin listing, whatever its kind."""

    model = LearningEventPage
    index_view_class = LearningEventIndexView
    icon = "date"
    menu_label = _("Learning events")
    menu_order = 210
    add_to_admin_menu = True
    list_filter = ["status", "event_format", "venue_country", "project", "is_example"]

    def get_common_view_kwargs(self, **kwargs):
        # No "Add" button: the shared page type is not creatable; editors add a study visit,
        # masterclass, workshop or exchange under the events index.
        return {**super().get_common_view_kwargs(**kwargs), "add_url_name": None}


@hooks.register("register_admin_viewset")
def register_event_listing():
    return LearningEventListingViewSet("learning_events")


@hooks.register("load_demo_content", order=20)
def load_demo_events(home):
    from .demo import load_demo_events

    return load_demo_events(home)


@hooks.register("register_search_type")
def learning_event_search_type():
    from .search_documents import event_search_type

    return event_search_type()


@hooks.register("setup_roles")
def event_roles(groups):
    """Coordinators get "add" on the events index (and may add and choose images for event
    photos); which events they may then edit, publish or delete is decided per event by
    ``learning_events.permissions`` (the event's project must be theirs)."""
    from wagtail.images.models import Image

    from portal.roles import grant_collection_permissions, grant_page_permissions

    from .models import LearningEventIndexPage

    index = LearningEventIndexPage.objects.first()
    if index is None:
        return "Events: no events index page yet; run setup_roles again once it exists."
    for group in groups.project_coordinators.values():
        grant_page_permissions(group, index, ["add"])
        grant_collection_permissions(group, Image, ["add", "choose"])
    return (
        f"Events: coordinators may add under '{index.title}' and manage their projects' "
        "events and worksheets"
    )


@hooks.register("register_public_record")
def learning_event_public_record():
    from .schemas import event_record

    return event_record()
