"""The admin of recommendations (records of a worksheet's report): who may see and answer
which ones is ``can_read_answers`` on the report's worksheet, the rule every other report
view asks: organisers, the host organisation's group and the event's project coordinators."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    IndexView,
    SnippetViewSet,
)

from .models import PeerReviewWorksheetPage, Recommendation, RecommendationsReport
from .permissions import can_read_answers


def readable_report_ids(user):
    if user.is_superuser:
        return None
    ids = []
    worksheets = PeerReviewWorksheetPage.objects.filter(report__isnull=False).specific()
    for worksheet in worksheets:
        if can_read_answers(user, worksheet):
            ids.append(worksheet.report.pk)
    return ids


def check_recommendation(user, recommendation):
    if not (user.is_superuser or can_read_answers(user, recommendation.report.worksheet)):
        raise PermissionDenied


class RecommendationForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields.get("report")
        if field is not None and user is not None:
            ids = readable_report_ids(user)
            if ids is not None:
                field.queryset = RecommendationsReport.objects.filter(pk__in=ids)
        quotes = self.fields.get("quotes")
        if quotes is not None:
            report_id = self.instance.report_id
            quotes.queryset = quotes.queryset.filter(report_id=report_id).select_related(
                "submission"
            )


class RecommendationIndexView(IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("report__worksheet")
        ids = readable_report_ids(self.request.user)
        return queryset if ids is None else queryset.filter(report_id__in=ids)


class RecommendationEditView(EditView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        check_recommendation(self.request.user, obj)
        return obj


class RecommendationDeleteView(DeleteView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        check_recommendation(self.request.user, obj)
        return obj


class RecommendationViewSet(SnippetViewSet):
    model = Recommendation
    icon = "list-ul"
    menu_label = _("Recommendations")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["__str__", "report", "priority", "response"]
    list_filter = ["priority", "response"]
    search_fields = ["text"]
    index_view_class = RecommendationIndexView
    edit_view_class = RecommendationEditView
    delete_view_class = RecommendationDeleteView
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("report"),
            FieldPanel("text"),
            FieldRowPanel([FieldPanel("addressed_region"), FieldPanel("addressed_organisation")]),
            FieldRowPanel([FieldPanel("priority"), FieldPanel("sort_order")]),
            FieldPanel("quotes"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("response"), FieldPanel("response_date")]),
                    FieldPanel("response_reason"),
                ],
                heading=_("The host's response"),
            ),
        ],
        base_form_class=RecommendationForm,
    )
