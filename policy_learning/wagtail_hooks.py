"""How policy learning plugs into the core: the instruments snippet, roles, the practice
page's "Inspired actions in other regions", and the demo content."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ActionPlanIndexPage, PolicyInstrument
from .queries import actions_inspired_by


class PolicyInstrumentViewSet(SnippetViewSet):
    model = PolicyInstrument
    icon = "doc-full"
    menu_label = _("Policy instruments")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["name", "kind", "region", "country"]
    list_filter = ["kind", "country", "projects"]
    search_fields = ["name", "managing_body"]


register_snippet(PolicyInstrumentViewSet)


@hooks.register("practice_page_sections")
def inspired_actions(page, request, context):
    actions = actions_inspired_by(page)
    if actions:
        context["related_sections"].append(
            {
                "title": _("Inspired actions in other regions"),
                "template": "policy_learning/_inspired_actions.html",
                "items": actions,
            }
        )


@hooks.register("setup_roles")
def action_plan_roles(groups):
    """Writers get "add" on the action plan index and may add policy instruments; which plans
    they then edit is decided per plan (``policy_learning.permissions``)."""
    from portal.roles import grant_page_permissions, model_permissions

    validators_view = model_permissions(PolicyInstrument, ["view"])
    groups.validators.permissions.add(*validators_view)
    groups.site_editors.permissions.add(*model_permissions(PolicyInstrument))
    for group in groups.contributors:
        group.permissions.add(*model_permissions(PolicyInstrument, ["add", "change", "view"]))
    index = ActionPlanIndexPage.objects.first()
    if index is None:
        return "Action plans: no action plan index yet; run setup_roles again once it exists."
    for group in groups.contributors:
        grant_page_permissions(group, index, ["add"])
    return (
        f"Action plans: coordinators and partner authors may add under '{index.title}' and "
        "edit their projects' and regions' plans"
    )


@hooks.register("load_demo_content", order=35)  # before setup_roles (portal, 40)
def load_demo_action_plans(home):
    from .demo import load_demo_action_plans

    return load_demo_action_plans(home)


def _plan_index():
    return ActionPlanIndexPage.objects.live().first()


@hooks.register("portal_project_sections")
def project_progress_section(project, request):
    """Progress across the project's partner regions (actions by status, instrument changes
    achieved), the downloads of all its actions and its "learned from" map."""
    from django.templatetags.static import static

    from .models import Action
    from .queries import learned_from_map, project_progress, public_actions

    progress = project_progress(project)
    if not progress["plans"]:
        return None
    index = _plan_index()
    downloads = []
    if index is not None:
        base = index.get_url(request)
        downloads = [
            (label, base + index.reverse_subpage("project_actions", args=(project.slug, fmt)))
            for label, fmt in (("CSV", "csv"), ("XLSX", "xlsx"))
        ]
    actions = Action.objects.filter(
        pk__in=public_actions().filter(plan__project=project).values("pk")
    )
    return {
        "title": _("Action plans: progress across partner regions"),
        "template": "policy_learning/_project_progress.html",
        "items": {
            "progress": progress,
            "graph": learned_from_map(actions),
            "map_id": f"map-{project.slug}",
            "downloads": downloads,
            "css": static("policy_learning/policy.css"),
        },
    }


@hooks.register("portal_region_sections")
def region_policy_section(region, request):
    """The region's policy instruments, its action plans and what it learned from whom."""
    from django.templatetags.static import static

    from .queries import region_policy_learning

    found = region_policy_learning(region)
    if not any(found[key] for key in ("instruments", "plans", "learned", "taught")):
        return None
    found["css"] = static("policy_learning/policy.css")
    return {
        "title": _("Policy learning"),
        "template": "policy_learning/_region_policy.html",
        "items": found,
    }


@hooks.register("learning_event_sections")
def event_recommendations(event, request, context):
    """A peer-review workshop's recommendations, each with the host's response and the
    actions of public plans that took it up."""
    from .queries import workshop_recommendations

    recommendations = workshop_recommendations(event)
    if recommendations:
        context["related_sections"].append(
            {
                "title": _("What the peers recommended"),
                "template": "policy_learning/_event_recommendations.html",
                "items": recommendations,
            }
        )


@hooks.register("register_search_type")
def action_plan_search_type():
    from .search_documents import action_plan_search_type

    return action_plan_search_type()


@hooks.register("construct_explorer_page_queryset")
def hide_other_regions_draft_plans(parent_page, pages, request):
    """Writers see the plans they may edit and public ones (endorsed and later), not the
    titles of other projects' and regions' drafts."""
    from .permissions import hidden_draft_plans

    hidden = hidden_draft_plans(request.user)
    if hidden is None:
        return pages
    return pages.exclude(pk__in=hidden.values("pk"))


@hooks.register("portal_sitemap_exclude")
def only_public_plans_in_the_sitemap(pages):
    """Action plans not yet endorsed are read by their project only (portal/sitemaps.py)."""
    from .models import ActionPlanPage
    from .models.plans import PUBLIC_PLAN_STATUSES

    hidden = ActionPlanPage.objects.exclude(plan_status__in=PUBLIC_PLAN_STATUSES)
    return pages.exclude(pk__in=hidden.values("pk"))


# After the portal's reference data (order 50): the last type in the API.
@hooks.register("register_public_record", order=60)
def action_plan_public_record():
    from .schemas import action_plan_record

    return action_plan_record()
