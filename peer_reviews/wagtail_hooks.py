"""Admin integration: worksheets in Wagtail's Forms menu only for those who may read their
answers, buttons to the results and participants pages, an admin listing of invitations,
and the demo content."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.languages import in_visitor_language, original_version
from portal.visibility import public_pages

from .models import Invitation, PeerReviewWorksheetPage
from .permissions import can_manage, can_read_answers
from .personal_data import purge_expired
from .recommendation_admin import RecommendationViewSet


@hooks.register("filter_form_submissions_for_user")
def only_readable_worksheets(user, editable_forms):
    """Wagtail lists form pages to anyone who may edit them; a worksheet's answers are private
    to its organisers and the host's group, whatever the page permissions."""
    from django.contrib.contenttypes.models import ContentType

    worksheet_type = ContentType.objects.get_for_model(PeerReviewWorksheetPage)
    worksheets = editable_forms.filter(content_type=worksheet_type)
    hidden = [
        page.pk
        for page in PeerReviewWorksheetPage.objects.filter(pk__in=worksheets.values("pk"))
        if not can_read_answers(user, page)
    ]
    return editable_forms.exclude(pk__in=hidden) if hidden else editable_forms


def _worksheet_buttons(page, user):
    if page.specific_class is not PeerReviewWorksheetPage:
        return
    specific = page.specific
    if not can_read_answers(user, specific):
        return
    base = specific.url or ""
    yield Button(
        _("Results"), base + specific.reverse_subpage("results"), icon_name="table", priority=90
    )
    if can_manage(user, specific):
        yield Button(
            _("Participants"),
            base + specific.reverse_subpage("participants"),
            icon_name="group",
            priority=91,
        )
        yield Button(
            _("Write the report"),
            base + specific.reverse_subpage("report_edit"),
            icon_name="doc-full",
            priority=92,
        )


@hooks.register("register_page_header_buttons")
def worksheet_header_buttons(page, user, view_name, next_url=None):
    yield from _worksheet_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def worksheet_listing_buttons(page, user, next_url=None):
    yield from _worksheet_buttons(page, user)


class InvitationViewSet(SnippetViewSet):
    model = Invitation
    icon = "mail"
    menu_label = _("Peer-review invitations")
    menu_order = 310
    add_to_admin_menu = False
    search_backend_name = None
    list_display = ["name", "organisation", "region", "event", "created_at", "revoked_at"]
    list_filter = ["organisation"]
    search_fields = ["name", "email"]
    copy_view_enabled = False
    form_fields = ["event", "name", "email", "organisation", "region", "user", "revoked_at"]


register_snippet(InvitationViewSet)


@hooks.register("load_demo_content", order=30)
def load_demo_peer_review(home):
    from .demo import load_demo

    return load_demo(home)


@hooks.register("learning_event_sections")
def event_worksheets(event, request, context):
    """The worksheets of a peer-review workshop on its page, with the way in for each visitor:
    organisers and the host see the results, invited account holders their form."""
    worksheets = in_visitor_language(
        public_pages(PeerReviewWorksheetPage.objects.child_of(original_version(event)))
    )
    if not worksheets:
        return
    user = request.user if request is not None else None
    items = []
    for worksheet in worksheets:
        reader = bool(user and user.is_authenticated and can_read_answers(user, worksheet))
        items.append({"worksheet": worksheet, "can_read_answers": reader})
    context["related_sections"].append(
        {
            "title": _("Peer-review worksheets"),
            "template": "peer_reviews/_event_worksheets.html",
            "items": items,
        }
    )


@hooks.register("purge_personal_data")
def purge_peer_review_data(cutoff):
    """The retention rule for participants (``personal_data.purge_expired``)."""
    return purge_expired(cutoff)


register_snippet(RecommendationViewSet)


@hooks.register("setup_roles")
def recommendation_roles(groups):
    """Contributors may open the recommendations admin; which recommendations they then see
    and answer is ``can_read_answers`` on the report's worksheet (``recommendation_admin``)."""
    from portal.roles import model_permissions

    from .models import Recommendation

    permissions = model_permissions(Recommendation)
    for group in groups.contributors:
        group.permissions.add(*permissions)
    return "Peer reviews: the readers of a report may record and answer its recommendations"


@hooks.register("portal_sitemap_exclude")
def worksheets_are_not_for_crawlers(pages):
    """A worksheet is for its invited participants: not in the sitemap (portal/sitemaps.py)."""
    return pages.not_type(PeerReviewWorksheetPage)
