"""Action plans (pages), their actions, status history and indicators."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager, PageQuerySet

from policy_learning.forms import ActionPlanPageForm
from portal.languages import in_visitor_language, original_version
from portal.models import SYNCHRONIZED_PROJECT, original_projects


class PlanStatus(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    ENDORSED = "endorsed", _("Endorsed")
    IMPLEMENTING = "implementing", _("Implementing")
    COMPLETED = "completed", _("Completed")


# What the public may see of a published plan: never a plan still being drafted.
PUBLIC_PLAN_STATUSES = (PlanStatus.ENDORSED, PlanStatus.IMPLEMENTING, PlanStatus.COMPLETED)


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    STARTED = "started", _("Started")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ChangeKind(models.TextChoices):
    """The kinds of policy instrument change, in the terms Interreg Europe uses."""

    NEW_PROJECT = "new-project", _("New project financed")
    MANAGEMENT = "management", _("Management improved")
    STRUCTURAL = "structural", _("Structural change")


class ActionPlanIndexPage(RoutablePageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["policy_learning.ActionPlanPage"]
    max_count = 1

    class Meta:
        verbose_name = _("action plan index page")

    def get_context(self, request, *args, **kwargs):
        from policy_learning.queries import public_action_plans

        context = super().get_context(request, *args, **kwargs)
        context["plans"] = in_visitor_language(
            public_action_plans()
            .child_of(original_version(self))
            .with_card_data()
            .order_by("project__acronym", "region__name")
        )
        return context

    @path("learned-from/", name="learned_from")
    def learned_from(self, request):
        from policy_learning.views import learned_from_page

        return learned_from_page(self, request)

    @path("projects/<slug:slug>/<str:fmt>/", name="project_actions")
    def project_actions(self, request, slug, fmt):
        from policy_learning.views import project_actions_download

        return project_actions_download(self, request, slug, fmt)


class ActionPlanQuerySet(PageQuerySet):
    def with_card_data(self):
        return self.select_related(
            "project", "region__country", "responsible_organisation"
        ).prefetch_related("actions__status_history")


ActionPlanManager = PageManager.from_queryset(ActionPlanQuerySet)


class ActionPlanPage(RoutablePageMixin, Page):
    """One partner region's action plan in one cooperation project."""

    project = models.ForeignKey(
        "portal.CooperationProject",
        limit_choices_to=original_projects,
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("cooperation project"),
    )
    # Translations keep the original project (portal.models.reference).
    override_translatable_fields = [SYNCHRONIZED_PROJECT]
    region = models.ForeignKey(
        "portal.Region",
        on_delete=models.PROTECT,
        related_name="action_plans",
        verbose_name=_("partner region"),
    )
    responsible_organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("responsible partner organisation"),
    )
    instruments = ParentalManyToManyField(
        "policy_learning.PolicyInstrument",
        blank=True,
        related_name="action_plans",
        verbose_name=_("policy instruments it aims to improve"),
    )
    context = RichTextField(
        _("context"), blank=True, features=["h3", "bold", "italic", "ol", "ul", "link"]
    )
    plan_status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFTING
    )
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Illustrative demo content, marked as such.")
    )

    objects = ActionPlanManager()

    base_form_class = ActionPlanPageForm
    parent_page_types = ["policy_learning.ActionPlanIndexPage"]
    subpage_types = []

    plan_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("project"), FieldPanel("region")]),
                FieldPanel("responsible_organisation"),
                FieldRowPanel([FieldPanel("plan_status"), FieldPanel("is_example")]),
            ],
            heading=_("Project, region and status"),
        ),
        FieldPanel("instruments"),
        FieldPanel("context"),
    ]
    action_panels = [InlinePanel("actions", label=_("Action"), heading=_("Actions"))]
    indicator_panels = [
        InlinePanel("indicators", label=_("Indicator"), heading=_("Indicators")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(plan_panels, heading=_("Plan")),
            ObjectList(action_panels, heading=_("Actions")),
            ObjectList(indicator_panels, heading=_("Indicators")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    @property
    def is_public_status(self):
        return self.plan_status in PUBLIC_PLAN_STATUSES

    def permissions_for_user(self, user):
        from policy_learning.permissions import ActionPlanPermissionTester

        return ActionPlanPermissionTester(user, self)

    def clean(self):
        super().clean()
        if self.project_id and self.region_id:
            others = ActionPlanPage.objects.filter(
                project_id=self.project_id, region_id=self.region_id
            )
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(
                    {"region": _("This region already has an action plan in this project.")}
                )

    def serve(self, request, *args, **kwargs):
        from policy_learning.permissions import can_read_plan

        if not can_read_plan(request.user, self):
            raise Http404
        return super().serve(request, *args, **kwargs)

    @path("csv/", name="csv")
    def actions_csv(self, request):
        from policy_learning.exports import plan_csv

        return plan_csv(self, request)

    @path("pdf/", name="pdf")
    def plan_pdf(self, request):
        from policy_learning.views import plan_pdf

        return plan_pdf(self, request)

    def get_context(self, request, *args, **kwargs):
        from policy_learning.queries import plan_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(plan_page_context(self, preview=getattr(request, "is_preview", False)))
        return context


class Action(ClusterableModel, Orderable):
    """What the region will do, with what it was learned from and what it changed."""

    plan = ParentalKey(
        ActionPlanPage, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    title = models.CharField(_("what will be done"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    who = models.CharField(_("who"), max_length=255, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_source = models.CharField(_("funding source"), max_length=255, blank=True)
    learned_from_practices = ParentalManyToManyField(
        "practices.PracticePage",
        blank=True,
        related_name="inspired_actions",
        verbose_name=_("learned from practices"),
    )
    learned_from_events = ParentalManyToManyField(
        "learning_events.LearningEventPage",
        blank=True,
        related_name="inspired_actions",
        verbose_name=_("learned from learning events"),
    )
    recommendations = ParentalManyToManyField(
        "peer_reviews.Recommendation",
        blank=True,
        related_name="actions",
        verbose_name=_("recommendations taken up"),
    )
    changed_instrument = models.ForeignKey(
        "policy_learning.PolicyInstrument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("policy instrument changed"),
    )
    change_kind = models.CharField(
        _("kind of change"), max_length=20, choices=ChangeKind.choices, blank=True
    )
    change_date = models.DateField(_("date of the change"), null=True, blank=True)
    change_evidence = models.TextField(_("evidence"), blank=True)
    change_evidence_url = models.URLField(_("evidence link"), blank=True)
    change_evidence_document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence document"),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("who"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("budget"), FieldPanel("funding_source")]),
        InlinePanel("status_history", label=_("Status change"), heading=_("Status history")),
        MultiFieldPanel(
            [
                FieldPanel("learned_from_practices"),
                FieldPanel("learned_from_events"),
                FieldPanel("recommendations"),
            ],
            heading=_("Learned from"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("changed_instrument"),
                FieldRowPanel([FieldPanel("change_kind"), FieldPanel("change_date")]),
                FieldPanel("change_evidence"),
                FieldRowPanel(
                    [FieldPanel("change_evidence_url"), FieldPanel("change_evidence_document")]
                ),
            ],
            heading=_("Policy instrument change"),
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.title

    @property
    def anchor(self):
        return f"action-{self.pk}"

    @property
    def history(self):
        """Status changes, oldest first (from the prefetched rows when there are any)."""
        return sorted(self.status_history.all(), key=lambda row: (row.date, row.sort_order or 0))

    @property
    def current_status(self):
        history = self.history
        return history[-1] if history else None

    @property
    def has_change(self):
        return bool(self.change_kind)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end must not be before the start.")
        if self.budget is not None and not self.funding_source.strip():
            errors["funding_source"] = _("Say where the budget comes from.")
        change_given = any(
            [
                self.changed_instrument_id,
                self.change_date,
                self.change_evidence.strip(),
                self.change_evidence_url,
                self.change_evidence_document_id,
            ]
        )
        if self.change_kind or change_given:
            if not self.change_kind:
                errors["change_kind"] = _("Choose the kind of change.")
            if not self.changed_instrument_id:
                errors["changed_instrument"] = _("Choose the policy instrument that changed.")
            if not self.change_date:
                errors["change_date"] = _("Give the date of the change.")
            if not (
                self.change_evidence.strip()
                or self.change_evidence_url
                or self.change_evidence_document_id
            ):
                errors["change_evidence"] = _(
                    "Give the evidence of the change: a text, a link or a document."
                )
        if errors:
            raise ValidationError(errors)


class ActionStatusChange(Orderable):
    action = ParentalKey(Action, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus.choices)
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = [FieldRowPanel([FieldPanel("status"), FieldPanel("date")]), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status history")


class Indicator(ClusterableModel, Orderable):
    """A measure of the plan or of one of its actions: baseline, target and values."""

    plan = ParentalKey(ActionPlanPage, on_delete=models.CASCADE, related_name="indicators")
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("action"),
        help_text=_("Leave empty for an indicator of the whole plan. Save new actions first."),
    )
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=60)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=2)
    baseline_date = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("target date"))

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("unit")]),
        FieldPanel("action"),
        FieldRowPanel([FieldPanel("baseline_value"), FieldPanel("baseline_date")]),
        FieldRowPanel([FieldPanel("target_value"), FieldPanel("target_date")]),
        InlinePanel("values", label=_("Measured value"), heading=_("Measured values")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name

    def clean(self):
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            raise ValidationError({"target_date": _("The target date must follow the baseline.")})

    @property
    def measured(self):
        return sorted(self.values.all(), key=lambda v: v.date)


class IndicatorValue(Orderable):
    indicator = ParentalKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"))

    panels = [FieldRowPanel([FieldPanel("value"), FieldPanel("date")])]

    class Meta(Orderable.Meta):
        verbose_name = _("measured value")
        verbose_name_plural = _("measured values")
