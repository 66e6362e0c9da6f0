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


# After the portal's reference data (order 50): the last type in the API.
@hooks.register("register_public_record", order=60)
def action_plan_public_record():
    from .schemas import action_plan_record

    return action_plan_record()
