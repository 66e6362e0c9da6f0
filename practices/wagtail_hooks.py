from dataclasses import replace
from urllib.parse import urlencode

from django.db.models import Count, F, Q, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.ui.components import Component

from portal.languages import in_visitor_language, original_version
from portal.models import TargetGroup
from portal.visibility import public_pages

from .models import PracticePage, PracticeTheme
from .related import RELATED_SHOWN, Context, ranked

HOME_NEWEST = 6


def _published():
    return public_pages(PracticePage.objects)


@hooks.register("practice_page_sections", order=-1)
def related_practices(page, request, context):
    """Practices like this one, with the reasons (practices/related.py)."""
    if not getattr(request, "is_preview", False):
        # Read once for the context and the page's own key facts. Never in a preview, where
        # these relations hold the edited values, not the saved ones.
        prefetch_related_objects([page], "regions", "target_groups", "themes")
    context_of_page = Context.of_practice(page)
    original = original_version(page)  # no query for a page in the default language
    if original.pk != page.pk:
        # A translation: its record is the original, which must not be "like itself".
        context_of_page = replace(context_of_page, exclude_id=original.pk)
    related = in_visitor_language(ranked(context_of_page, RELATED_SHOWN))
    if related:
        context["related_sections"].append(
            {
                "title": _("Practices like this one"),
                "template": "practices/_related_list.html",
                "items": related,
            }
        )


@hooks.register("portal_home_context")
def newest_practices(request, context):
    practices = in_visitor_language(
        _published().order_by("-first_published_at", "title").with_card_data()[:HOME_NEWEST]
    )
    context["home_sections"].append(
        {
            "title": _("Newest practices"),
            "template": "practices/_practice_list.html",
            "items": practices,
            "more_url": "/practices/",
            "more_label": _("All practices"),
        }
    )
    context["home_links"].append(
        {"url": reverse("practices:context"), "label": _("Find practices for my context")}
    )
    published = _published()
    context["home_counts"].extend(
        [
            {"value": published.count(), "label": _("good practices")},
            {
                "value": published.order_by().values("country").distinct().count(),
                "label": _("countries"),
            },
        ]
    )


def _search_url(**params):
    return reverse("search:search") + "?" + urlencode({"type": "practice", **params})


@hooks.register("portal_home_context")
def browse_practices(request, context):
    """Counts of published practices by country, theme and target group, each a link to the
    search with that filter: three grouped queries."""
    published = _published().order_by()
    countries = (
        published.values("country__code", "country__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "country__name")
    )
    themes = (
        PracticeTheme.objects.filter(content_object__in=published.values("pk"))
        .values("tag__slug", "tag__name")
        .annotate(n=Count("content_object", distinct=True))
        .order_by("tag__name")
    )
    groups = (
        TargetGroup.objects.filter(practices__in=published.values("pk"))
        .values("slug", "name")
        .annotate(n=Count("practices", distinct=True))
        .order_by("name")
    )
    browse = [
        (
            "countries",
            _("Practices by country"),
            [
                (c["country__name"], _search_url(country=c["country__code"]), c["n"])
                for c in countries
            ],
        ),
        (
            "themes",
            _("Browse by theme"),
            [(t["tag__name"], _search_url(theme=t["tag__slug"]), t["n"]) for t in themes],
        ),
        (
            "groups",
            _("Browse by target group"),
            [(g["name"], _search_url(target_group=g["slug"]), g["n"]) for g in groups],
        ),
    ]
    for kind, title, rows in browse:
        if rows:
            items = [{"label": label, "url": url, "count": n} for label, url, n in rows]
            context["home_browse"].append({"kind": kind, "title": title, "items": items})


def _practice_section(title, queryset):
    practices = in_visitor_language(queryset.order_by("title").with_card_data())
    if not practices:
        return None
    return {"title": title, "template": "practices/_practice_list.html", "items": practices}


@hooks.register("portal_project_sections")
def project_practices(project, request):
    return _practice_section(_("Practices"), _published().filter(project=project))


@hooks.register("portal_region_sections")
def region_practices(region, request):
    return _practice_section(_("Practices in this region"), _published().filter(regions=region))


def _count_by(rows, key):
    return {row[key]: row["n"] for row in rows}


@hooks.register("portal_reference_counts")
def practice_counts(model, pks):
    """Public practices per region (those in it) or organisation (led or partnered), for the
    result cards of regions and organisations; two queries at most, whatever the pks."""
    from portal.models import Organisation, Region

    if model not in (Region, Organisation):
        return None
    # The public-pages rule reads the view restrictions when built: built once, used twice.
    published = _published()
    if model is Region:
        counts = _count_by(
            published.filter(regions__in=pks)
            .order_by()
            .values("regions")
            .annotate(n=Count("pk", distinct=True)),
            "regions",
        )
    else:
        counts = _count_by(
            published.filter(lead_organisation__in=pks)
            .order_by()
            .values("lead_organisation")
            .annotate(n=Count("pk")),
            "lead_organisation",
        )
        # From the published practices, joined to their partners: the same count as asking
        # the link table with "practice in (all published practices)", which made the
        # database list every published practice first (~0.4 s at 10,000 under load).
        partnered = (
            published.annotate(partner=F("partner_organisations"))
            .filter(partner__in=pks)
            .exclude(lead_organisation=F("partner"))
            .order_by()
            .values("partner")
            .annotate(n=Count("pk", distinct=True))
        )
        for pk, n in _count_by(partnered, "partner").items():
            counts[pk] = counts.get(pk, 0) + n

    def wording(n):
        return ngettext("%(count)s good practice", "%(count)s good practices", n) % {"count": n}

    return wording, counts


@hooks.register("load_demo_content", order=10)
def load_demo_practices(home):
    from django.conf import settings

    from portal.demo import DemoDataError, ensure_child_page

    from .markdown_io import ImportFailed, import_practices, read_sources
    from .models import PracticeIndexPage

    index = ensure_child_page(
        home,
        PracticeIndexPage,
        title="Good practices",
        slug="practices",
        intro="Good practices in social inclusion, documented by the organisations that run them.",
    )
    try:
        result = import_practices(
            read_sources([settings.BASE_DIR / "fixtures" / "practices"]),
            publish=True,
            index_page=index,
        )
    except ImportFailed as exc:
        raise DemoDataError(str(exc)) from exc
    return (
        f"Practices: {len(result.created)} created, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged"
    )


@hooks.register("setup_roles")
def practice_roles(groups):
    from .roles import setup_practice_roles

    return setup_practice_roles(groups)


class MyPracticesPanel(Component):
    """Dashboard panel: the practices a partner author or coordinator writes for, and where
    each stands in the validation workflow."""

    name = "my_practices"
    template_name = "practices/admin/my_practices_panel.html"
    order = 50

    def __init__(self, practices):
        self.practices = practices

    def get_context_data(self, parent_context):
        from django.urls import reverse

        from .models import PracticeIndexPage

        context = super().get_context_data(parent_context)
        context["practices"] = self.practices
        index = PracticeIndexPage.objects.first()
        if index:
            context["add_url"] = reverse(
                "wagtailadmin_pages:add", args=("practices", "practicepage", index.pk)
            )
        return context


@hooks.register("construct_homepage_panels")
def confirm_review_from_the_dashboard(request, panels):
    from .validation import reviewed_message

    reviewed_message(request)


@hooks.register("construct_homepage_panels")
def add_my_practices_panel(request, panels):
    from portal.roles import role_scope

    from .roles import practices_for_writer

    scope = role_scope(request.user)
    if request.user.is_superuser or not (scope.organisation_ids or scope.project_ids):
        return
    panels.append(MyPracticesPanel(practices_for_writer(request.user)))


@hooks.register("register_search_type")
def practice_search_type():
    from .search_documents import practice_search_type

    return practice_search_type()


@hooks.register("construct_explorer_page_queryset")
def hide_other_organisations_drafts(parent_page, pages, request):
    """Writers see published practices and their own organisations' drafts, not the
    unpublished work of other organisations."""
    from wagtail.models import GroupPagePermission

    from .models import PracticePage
    from .permissions import practices_in_scope_q

    user = request.user
    if (
        user.is_superuser
        or GroupPagePermission.objects.filter(
            group__user=user, permission__codename="change_page"
        ).exists()
    ):
        return pages  # editors with "change" rights (site editors, Wagtail's Editors) see all
    hidden = PracticePage.objects.filter(live=False).exclude(
        practices_in_scope_q(user) | Q(owner=user)
    )
    return pages.exclude(pk__in=hidden.values("pk"))


@hooks.register("after_edit_page")
def land_where_the_reviewer_may_go(request, page):
    """After a workflow action in the editor ("Approve and Publish", "Request changes"),
    Wagtail goes back to the parent's explorer listing. Validators may not open it (they hold
    no page permission), so they would land on "Sorry, you do not have permission": send
    them to the dashboard instead, whose "Awaiting your review" lists their next practices.
    An explicit ``next`` and users who may open the listing keep Wagtail's behaviour."""
    from django.shortcuts import redirect
    from wagtail.admin.utils import get_valid_next_url_from_request
    from wagtail.permission_policies.pages import PagePermissionPolicy

    if not request.POST.get("action-workflow-action") or get_valid_next_url_from_request(request):
        return None
    parent = page.get_parent()
    if PagePermissionPolicy().explorable_instances(request.user).filter(pk=parent.pk).exists():
        return None
    return redirect("wagtailadmin_home")


@hooks.register("portal_feed_links")
def practice_feed_links(filters, labels):
    from .feeds import feed_links

    return feed_links(filters, labels)


@hooks.register("load_demo_content", order=15)
def load_demo_practice_translations(home):
    """Titles and summaries of the demo practices in their country's language
    (fixtures/practices/translations.yaml), each a human translation of the English record."""
    from collections import Counter

    import yaml
    from django.conf import settings

    from portal.demo import DemoDataError, ensure_translation

    from .models import PracticePage

    path = settings.BASE_DIR / "fixtures" / "practices" / "translations.yaml"
    with path.open(encoding="utf-8") as source:
        records = yaml.safe_load(source) or {}
    outcomes = Counter()
    for slug, languages in records.items():
        original = (
            PracticePage.objects.filter(slug=slug, locale__language_code=settings.LANGUAGE_CODE)
            .filter(translated_version__isnull=True)
            .first()
        )
        if original is None:
            raise DemoDataError(f"{path.name}: no practice with the slug {slug!r}")
        for language, fields in languages.items():
            unknown = set(fields) - {"title", "summary"}
            if unknown:
                raise DemoDataError(
                    f"{path.name}: {slug} ({language}): unknown fields {sorted(unknown)}"
                )
            outcomes[ensure_translation(original, language, **fields)] += 1
    return "Practice translations: " + ", ".join(
        f"{outcomes[name]} {name}" for name in ("created", "updated", "unchanged")
    )


@hooks.register("register_public_record")
def practice_public_record():
    from .schemas import practice_record

    return practice_record()
