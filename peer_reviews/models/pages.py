"""The worksheet page: a Wagtail form page (``FormMixin``) whose questions organisers build in
the admin, living under a learning event."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractFormField, FormMixin
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from portal.ratelimit import rate_limit

from ..forms import WorksheetAdminForm, WorksheetFormBuilder
from ..questions import CHOICE_TYPES, QuestionType, classic_questions


class WorksheetQuestion(AbstractFormField):
    """One row of the worksheet: a question, or a section heading that starts a section."""

    page = ParentalKey(
        "peer_reviews.PeerReviewWorksheetPage", on_delete=models.CASCADE, related_name="questions"
    )
    field_type = models.CharField(
        verbose_name=_("question type"), max_length=20, choices=QuestionType.choices
    )
    field_type.required_on_save = True
    scale_low_label = models.CharField(
        _("label of 1"),
        max_length=60,
        blank=True,
        help_text=_("Rating only: what 1 means, e.g. 'Hard to transfer'."),
    )
    scale_high_label = models.CharField(
        _("label of 5"),
        max_length=60,
        blank=True,
        help_text=_("Rating only: what 5 means, e.g. 'Easy to transfer'."),
    )

    panels = [
        FieldPanel("field_type", classname="formbuilder-type", required_on_save=True),
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("choices", help_text=_("Single and multiple choice: one option per line.")),
        FieldRowPanel([FieldPanel("scale_low_label"), FieldPanel("scale_high_label")]),
    ]

    class Meta(AbstractFormField.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.label

    @property
    def is_section(self):
        return self.field_type == QuestionType.SECTION

    def clean(self):
        super().clean()
        if self.field_type in CHOICE_TYPES and not self.choices.strip():
            raise ValidationError({"choices": _("Give the options, one per line.")})

    def choice_list(self):
        from wagtail.contrib.forms.forms import _split_by_newline_or_comma

        return [c for c in _split_by_newline_or_comma(self.choices) if c]


class PeerReviewWorksheetPage(RoutablePageMixin, FormMixin, Page):
    """A peer-review worksheet under a learning event.

    Built on Wagtail's form builder: ``get_form_fields`` gives the question rows,
    ``form_builder`` makes one Django field per question type, ``process_form_submission``
    stores the answers of one invited participant (draft or submitted).
    """

    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Markdown, shown above the questions.")
    )
    deadline = models.DateTimeField(
        _("deadline"),
        help_text=_("Participants may change their answers until then; personal links expire."),
    )
    thank_you_text = models.TextField(
        _("thank-you text"), blank=True, help_text=_("Markdown, shown after a participant submits.")
    )
    organisers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_worksheets",
        verbose_name=_("organisers"),
        help_text=_("They invite participants, read every answer and write the report."),
    )
    host_group = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("host organisation's group"),
        help_text=_("Members of this group read the answers, the results and the report."),
    )

    form_builder = WorksheetFormBuilder
    base_form_class = WorksheetAdminForm

    content_panels = [
        FormSubmissionsPanel(),
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("deadline"),
        MultiFieldPanel(
            [FieldPanel("organisers"), FieldPanel("host_group")],
            heading=_("Who reads the answers"),
        ),
        InlinePanel("questions", label=_("Question"), heading=_("Questions, in sections")),
        FieldPanel("thank_you_text"),
    ]

    parent_page_types = ["learning_events.PeerReviewWorkshopPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("peer-review worksheet")
        verbose_name_plural = _("peer-review worksheets")

    # -- form-builder override points -------------------------------------------------------

    def get_form_fields(self):
        return self.questions.all()

    def get_question_rows(self):
        return [q for q in self.get_form_fields() if not q.is_section]

    def get_data_fields(self):
        return [(q.clean_name, q.label) for q in self.get_question_rows()]

    def get_submission_class(self):
        from .participation import WorksheetSubmission

        return WorksheetSubmission

    def get_form(self, *args, draft=False, **kwargs):
        form_class = self.get_form_class()
        form_params = self.get_form_parameters()
        form_params.update(kwargs)
        form = form_class(*args, **form_params)
        if draft:
            # A draft may be incomplete: nothing is required, everything typed is kept.
            for field in form.fields.values():
                field.required = False
        return form

    def process_form_submission(self, form, invitation=None, submit=False):
        """Store the answers of ``invitation``'s participant: one row per participant and
        worksheet, updated in place (a second submit or a double click records one)."""
        from ..services import save_answers

        return save_answers(self, invitation, form.cleaned_data, submit=submit)

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        from django.template.response import TemplateResponse

        context = self.get_context(request)
        context["form_submission"] = form_submission
        context["return_url"] = kwargs.get("return_url", "")
        return TemplateResponse(request, self.get_landing_page_template(request), context)

    def serve_submissions_list_view(self, request, *args, **kwargs):
        # Wagtail's generic submissions listing knows nothing of invitations and who may read
        # what: send organisers to the worksheet's own results page.
        from django.shortcuts import redirect

        return redirect(self.url + self.reverse_subpage("results"))

    def permissions_for_user(self, user):
        """Coordinators of the event's project edit the worksheet
        (``peer_reviews.permissions``)."""
        from ..permissions import WorksheetPermissionTester

        return WorksheetPermissionTester(user, self)

    # -- state -------------------------------------------------------------------------------

    @property
    def is_open(self):
        return timezone.now() < self.deadline

    @cached_property
    def event(self):
        parent = self.get_parent()
        return parent.specific if parent else None

    def apply_template(self):
        """Fill the worksheet with the classic peer-review questions (unsaved rows)."""
        # Explicit sort order: PostgreSQL returns rows without one in any order.
        self.questions = [
            WorksheetQuestion(sort_order=n, **row) for n, row in enumerate(classic_questions())
        ]

    def clean(self):
        super().clean()
        types = [q.field_type for q in self.questions.all()]
        if types and all(t == QuestionType.SECTION for t in types):
            raise ValidationError(_("A worksheet needs at least one question."))

    # -- routes ----------------------------------------------------------------------------

    def serve_preview(self, request, mode_name):
        from .. import views

        return views.preview(self, request, mode_name)

    @path("", name="worksheet")
    def worksheet_view(self, request):
        from .. import views

        return views.worksheet(self, request)

    @path("t/<str:token>/", name="personal")
    @rate_limit("tokens")
    def personal_view(self, request, token):
        from .. import views

        return views.worksheet(self, request, token=token)

    @path("results/", name="results")
    def results_view(self, request):
        from .. import views

        return views.results(self, request)

    @path("results/csv/", name="export_csv")
    @rate_limit("downloads")
    def export_csv_view(self, request):
        from .. import views

        return views.export(self, request, "csv")

    @path("results/xlsx/", name="export_xlsx")
    @rate_limit("downloads")
    def export_xlsx_view(self, request):
        from .. import views

        return views.export(self, request, "xlsx")

    @path("participants/", name="participants")
    def participants_view(self, request):
        from .. import views

        return views.participants(self, request)

    @path("participants/<str:invitation_id>/data/", name="participant_data")
    def participant_data_view(self, request, invitation_id):
        from .. import views

        return views.participant_data(self, request, invitation_id)

    @path("participants/<str:invitation_id>/erase/", name="participant_erase")
    def participant_erase_view(self, request, invitation_id):
        from .. import views

        return views.participant_erase(self, request, invitation_id)

    @path("report/", name="report")
    def report_view(self, request):
        from .. import views

        return views.report(self, request)

    @path("report/edit/", name="report_edit")
    def report_edit_view(self, request):
        from .. import views

        return views.report_edit(self, request)

    @path("report/pdf/", name="report_pdf")
    def report_pdf_view(self, request):
        from .. import views

        return views.report_pdf(self, request)
