"""Good-practice records: structured fields for what people filter, sort and compare, Markdown
for the narrative."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import ItemBase
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page, PageManager, PageQuerySet

from portal.formats import format_money, validate_currency_code
from portal.languages import in_visitor_language, original_version
from portal.models import (
    SYNCHRONIZED_PROJECT,
    FundingProgramme,
    LeadImageMixin,
    Theme,
    original_projects,
)
from portal.pagination import seek_paginate
from portal.ratelimit import rate_limit
from portal.visibility import public_pages
from portal.widgets import CurrencySelect, RegionChooser

from .panels import CompletenessPanel
from .permissions import PracticePageForm

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]
# practices/urls.py serves these under /practices/, so no practice may take them as its slug.
RESERVED_SLUGS = {"compare", "download", "context", "feed"}
SUMMARY_MAX_LENGTH = 1200


def timescale(start_year, end_year, ongoing):
    """ "2015–2019", or "2015–ongoing" (``ongoing`` in the caller's language); "" without a
    start year."""
    return f"{start_year}–{end_year or ongoing}" if start_year else ""


def _iso(moment):
    return moment.isoformat() if moment else ""


class PracticeStatus(models.TextChoices):
    PILOT = "pilot", _("Pilot")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


# Narrative sections in the order they appear on the page and in Markdown files:
# (field name, heading).
NARRATIVE_SECTIONS = [
    ("context", _("Context")),
    ("practice", _("The practice")),
    ("resources", _("Resources and budget")),
    ("evidence", _("Evidence of success")),
    ("difficulties", _("Difficulties encountered")),
    ("transferability", _("Potential for learning or transfer")),
]


class PracticeIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["practices.PracticePage"]
    parent_page_types = ["portal.HomePage"]
    max_count = 1

    class Meta:
        verbose_name = _("practice index page")

    def get_practices(self):
        return (
            public_pages(PracticePage.objects)
            .descendant_of(original_version(self))
            # The id last: a total order, so that pages never share or skip a practice
            # (migration 0005's index serves it; portal.pagination.SeekPaginator).
            .order_by("-first_published_at", "title", "id")
            .with_card_data()
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        practices = seek_paginate(request, self.get_practices())
        practices.object_list = in_visitor_language(practices.object_list)
        context["practices"] = practices
        return context


class PracticePageQuerySet(PageQuerySet):
    def with_card_data(self):
        """Everything a practice card shows, fetched in a fixed number of queries."""
        from portal.models import Region

        return self.select_related("country", "lead_organisation", "project").prefetch_related(
            Prefetch(
                "regions",
                queryset=Region.objects.only("id", "name", "name_en", "slug", "country_id"),
            ),
            "target_groups",
            "themes",
            Prefetch("budgets", queryset=PracticeBudget.objects.order_by("sort_order")),
        )

    def with_record_data(self):
        """Everything the public record of a practice holds (practices/schemas.py): the one
        recipe the API, the downloads, the compare table and the search documents read
        practices with. Themes come through their tag rows: the taggit manager's own
        prefetch builds a queryset per practice, a third of a large download's time."""
        from portal.models import Organisation, Region

        return self.select_related("country", "lead_organisation", "project").prefetch_related(
            Prefetch("regions", queryset=Region.objects.only("id", "name", "slug", "country_id")),
            "target_groups",
            Prefetch("theme_items", queryset=PracticeTheme.objects.select_related("tag")),
            Prefetch("budgets", queryset=PracticeBudget.objects.order_by("sort_order")),
            Prefetch("partner_organisations", queryset=Organisation.objects.only("id", "name")),
            Prefetch("outcomes", queryset=PracticeOutcome.objects.order_by("sort_order")),
        )


PracticePageManager = PageManager.from_queryset(PracticePageQuerySet)


class PracticeTheme(ItemBase):
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tagged_practices")
    content_object = ParentalKey(
        "practices.PracticePage", on_delete=models.CASCADE, related_name="theme_items"
    )


class PracticePage(LeadImageMixin, RoutablePageMixin, Page):
    summary = models.TextField(
        _("summary"),
        max_length=SUMMARY_MAX_LENGTH,
        # A TextField's max_length limits only form fields; the validator makes full_clean()
        # (and so the Markdown importer) check it too.
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
        help_text=_("One paragraph: what the practice does, for whom."),
    )
    country = models.ForeignKey(
        "portal.Country",
        on_delete=models.PROTECT,
        related_name="practices",
        verbose_name=_("country"),
        help_text=_("Where is the practice located? Choose the country first; its regions follow."),
    )
    regions = ParentalManyToManyField(
        "portal.Region",
        blank=True,
        related_name="practices",
        verbose_name=_("regions"),
        help_text=_("The regions or cities where the practice runs, in the chosen country."),
    )
    lead_organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        related_name="led_practices",
        verbose_name=_("lead organisation"),
        help_text=_("The main institution involved: who runs the practice?"),
    )
    partner_organisations = ParentalManyToManyField(
        "portal.Organisation",
        blank=True,
        related_name="partner_practices",
        verbose_name=_("partner organisations"),
        help_text=_("The main stakeholders taking part, besides the lead organisation."),
    )
    project = models.ForeignKey(
        "portal.CooperationProject",
        limit_choices_to=original_projects,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("cooperation project"),
        help_text=_("The interregional project through which the practice was identified."),
    )
    # Translations keep the original project (portal.models.reference).
    override_translatable_fields = [SYNCHRONIZED_PROJECT]
    funding_programme = models.CharField(
        _("funding programme"),
        max_length=32,
        choices=FundingProgramme.choices,
        blank=True,
        help_text=_("Leave empty to use the cooperation project's programme."),
    )
    themes = ClusterTaggableManager(
        through=PracticeTheme,
        blank=True,
        verbose_name=_("themes"),
        related_name="practices",
        help_text=_(
            "The policy topics the practice addresses, in English, separated by commas "
            "(e.g. employment, housing). Their names in other languages are set under "
            "Reference data › Themes."
        ),
    )
    target_groups = ParentalManyToManyField(
        "portal.TargetGroup",
        blank=True,
        related_name="practices",
        verbose_name=_("target groups"),
        help_text=_("Who are the main beneficiaries of the practice?"),
    )

    context = models.TextField(
        _("context / problem addressed"),
        blank=True,
        help_text=_("Which problem or need does the practice address, and in what setting?"),
    )
    practice = models.TextField(
        _("the practice"),
        blank=True,
        help_text=_(
            "What is done and how: the activities, who carries them out and how the people "
            "served take part."
        ),
    )
    resources = models.TextField(
        _("resources and budget"),
        blank=True,
        help_text=_("Which financial and human resources does the practice need?"),
    )
    evidence = models.TextField(
        _("evidence of success"),
        blank=True,
        help_text=_(
            "Why is it a good practice? The results achieved, with figures or an evaluation."
        ),
    )
    difficulties = models.TextField(
        _("difficulties encountered"),
        blank=True,
        help_text=_("Which difficulties were met, and what was learned from them?"),
    )
    transferability = models.TextField(
        _("potential for learning or transfer"),
        blank=True,
        help_text=_("Why might other regions learn from it? What would they need to transfer it?"),
    )

    start_year = models.PositiveSmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("The year the practice started."),
    )
    end_year = models.PositiveSmallIntegerField(
        _("end year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Leave empty while the practice is ongoing."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PracticeStatus.choices,
        default=PracticeStatus.ONGOING,
        help_text=_("Is the practice still running, a pilot, completed or discontinued?"),
    )
    # Denormalised from the budget rows so listings can sort and band by budget without a join.
    budget_eur = models.DecimalField(
        _("headline budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )

    content_panels = [
        CompletenessPanel(),
        *Page.content_panels,
        FieldPanel("summary"),
        *LeadImageMixin.lead_image_panels,
        MultiFieldPanel(
            [
                FieldPanel("country"),
                FieldPanel("regions", widget=RegionChooser(country_field="country")),
                FieldPanel("lead_organisation"),
                FieldPanel("partner_organisations"),
                FieldRowPanel([FieldPanel("project"), FieldPanel("funding_programme")]),
            ],
            heading=_("Where and who"),
        ),
        MultiFieldPanel(
            [FieldPanel("themes"), FieldPanel("target_groups")],
            heading=_("Themes and target groups"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
                FieldPanel("status"),
            ],
            heading=_("Timescale"),
        ),
    ]
    narrative_panels = [FieldPanel(name) for name, _heading in NARRATIVE_SECTIONS]
    facts_panels = [
        InlinePanel("budgets", label=_("Budget"), heading=_("Budget")),
        InlinePanel("outcomes", label=_("Outcome figure"), heading=_("Outcome figures")),
        InlinePanel("contacts", label=_("Contact"), heading=_("Contacts")),
        InlinePanel("links", label=_("Link"), heading=_("Links")),
        InlinePanel("documents", label=_("Document"), heading=_("Documents")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Record")),
            ObjectList(narrative_panels, heading=_("Narrative")),
            ObjectList(facts_panels, heading=_("Budget, outcomes and contacts")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
        ]
    )

    base_form_class = PracticePageForm
    parent_page_types = ["practices.PracticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        indexes = [
            # Related practices score every practice on these columns (practices/related.py).
            # SQLite stores them after the long narrative columns, in overflow pages; this
            # covering index lets it read them without the rows (three times faster).
            # PostgreSQL's indexes do not hold the row's key as SQLite's hold the rowid: it
            # is included there, or the scoring reads every row of the table (34,000 pages
            # at 50,000 practices in two languages) instead of the index.
            models.Index(
                fields=["country", "budget_eur", "start_year"],
                include=["page_ptr"],
                name="practice_related_scoring_idx",
            )
        ]

    objects = PracticePageManager()

    def permissions_for_user(self, user):
        from .permissions import PracticePermissionTester

        return PracticePermissionTester(user, self)

    @cached_property
    def validation(self):
        """The latest approved validation of this practice, or None."""

        return (
            PracticeValidationState.objects.filter(
                workflow_state__base_content_type_id=self.get_base_content_type().pk,
                workflow_state__object_id=str(self.pk),
                status=PracticeValidationState.STATUS_APPROVED,
            )
            .order_by("-finished_at")
            .first()
        )

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is taken by a page of the portal; choose another slug.")
                    % {"slug": self.slug}
                }
            )
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError(
                {"end_year": _("The end year must not be before the start year.")}
            )
        wrong = [
            r.name
            for r in self.regions.all()
            if self.country_id and r.country_id != self.country_id
        ]
        if wrong:
            raise ValidationError(
                {
                    "regions": _("These regions are not in the practice's country: %(names)s")
                    % {"names": ", ".join(wrong)}
                }
            )

    def save(self, *args, **kwargs):
        self.budget_eur = self.compute_budget_eur()
        super().save(*args, **kwargs)

    def compute_budget_eur(self):
        """The first budget row stated in euros is the headline figure."""
        for budget in self.budgets.all():
            if (budget.currency or "").upper() == "EUR" and budget.amount is not None:
                return budget.amount
        return None

    @property
    def effective_funding_programme(self):
        if self.funding_programme:
            return self.funding_programme
        return self.project.programme if self.project_id else ""

    def get_funding_programme_display_any(self):
        value = self.effective_funding_programme
        return FundingProgramme(value).label if value else ""

    @property
    def is_ongoing(self):
        return self.end_year is None and self.status in (
            PracticeStatus.ONGOING,
            PracticeStatus.PILOT,
        )

    def narrative(self):
        return [(name, heading, getattr(self, name)) for name, heading in NARRATIVE_SECTIONS]

    def user_may_edit(self, request):
        """Whether the visitor is an editor of this practice (sees contacts without consent)."""
        return bool(
            request is not None
            and request.user.is_authenticated
            and self.permissions_for_user(request.user).can_edit()
        )

    def visible_contacts(self, request):
        contacts = list(self.contacts.all())
        if self.user_may_edit(request):
            return contacts
        return [contact for contact in contacts if contact.public]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["user_may_edit"] = self.user_may_edit(request)
        context["contacts"] = self.visible_contacts(request)
        themes, groups = list(self.themes.all()), list(self.target_groups.all())
        context["feed_filters"] = {
            "type": ["practice"],
            "country": [self.country.code],
            "theme": [t.slug for t in themes],
            "target_group": [g.slug for g in groups],
        }
        context["feed_labels"] = {
            ("country", self.country.code): self.country.local_name,
            **{("theme", t.slug): t.local_name for t in themes},
            **{("target_group", g.slug): g.local_name for g in groups},
        }
        if self.project_id:
            in_visitor_language([self.project])  # its name in the visitor's language
        context["related_sections"] = []
        for contribute in hooks.get_hooks("practice_page_sections"):
            contribute(self, request, context)
        return context

    @path("markdown/", name="markdown")
    def markdown_download(self, request):
        from practices.markdown_io import export_practice

        response = HttpResponse(
            export_practice(self, include_private=self.user_may_edit(request)),
            content_type="text/markdown; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.md"'
        return response

    def discovery_metadata(self, request):
        """OpenGraph and schema.org metadata of the page (portal/metadata.py)."""
        from portal.metadata import Metadata, organisation, place
        from portal.public_address import page_url

        url = page_url(self, request)
        data = {
            "@type": "CreativeWork",
            "additionalType": "https://schema.org/HowTo",
            "name": self.title,
            "headline": self.title,
            "description": self.summary,
            "url": url,
            "inLanguage": self.locale.language_code if self.locale_id else None,
            "datePublished": self.first_published_at,
            "dateModified": self.last_published_at,
            "creator": organisation(self.lead_organisation),
            "contributor": [organisation(o) for o in self.partner_organisations.all()],
            "spatialCoverage": [place(self.country, region=r) for r in self.regions.all()]
            or [place(self.country)],
            "keywords": sorted(t.local_name for t in self.themes.all()),
            "audience": [
                {"@type": "Audience", "audienceType": g.local_name}
                for g in self.target_groups.all()
            ],
            "temporalCoverage": (
                f"{self.start_year}/{self.end_year or '..'}" if self.start_year else None
            ),
            "creativeWorkStatus": self.get_status_display(),
        }
        if self.project_id:
            data["isPartOf"] = {
                "@type": "Project",
                "name": self.project.name,
                "alternateName": self.project.acronym,
            }
        return Metadata(
            title=self.seo_title or self.title,
            description=self.search_description or self.summary,
            url=url,
            og_type="article",
            json_ld={k: v for k, v in data.items() if v not in ("", [], None)},
            extra_og=[
                ("article:published_time", _iso(self.first_published_at)),
                ("article:modified_time", _iso(self.last_published_at)),
                *[("article:tag", t.name) for t in self.themes.all()],
            ],
        )

    @path("pdf/", name="pdf")
    def pdf_download(self, request):
        """The practice as PDF (portal/pdf.py), the same for every visitor: public contacts
        only and no email address, so that it can be cached like the page."""
        from django.utils import timezone

        from portal.pdf import PDFError, pdf_response, render_pdf
        from portal.public_address import page_url

        if self.project_id:
            in_visitor_language([self.project])
        context = {
            "page": self,
            "regions": [r.name for r in self.regions.all()],
            "partners": [o.name for o in self.partner_organisations.all()],
            "target_groups": [g.name for g in self.target_groups.all()],
            "themes": sorted(t.name for t in self.themes.all()),
            "budgets": list(self.budgets.all()),
            "outcomes": list(self.outcomes.all()),
            "contacts": [c for c in self.contacts.all() if c.public],
            "links": list(self.links.all()),
            "page_address": page_url(self, request),
            "generated": timezone.now(),
        }
        try:
            pdf = render_pdf("practices/practice_pdf.html", context, request=request)
        except PDFError:
            return HttpResponse(
                _("The PDF could not be made; print the practice's page instead."),
                status=500,
                content_type="text/plain; charset=utf-8",
            )
        return pdf_response(pdf, f"{self.slug}.pdf")

    @path("contact/<int:contact_id>/", name="contact")
    @rate_limit("contact", methods=("POST",))
    def contact(self, request, contact_id):
        """A contact's email address, revealed by a button (POST) so that scrapers following
        links never find it in a page."""
        contact = next((c for c in self.visible_contacts(request) if c.pk == contact_id), None)
        if contact is None or not contact.email:
            raise Http404
        return TemplateResponse(
            request,
            "practices/contact.html",
            {"page": self, "contact": contact, "revealed": request.method == "POST"},
        )

    @path("", name="detail")
    def detail(self, request):
        return self.render(request)


class BudgetPeriod(models.TextChoices):
    """What a budget figure covers; the labels read after the amount ("800.000 € pro Jahr")."""

    TOTAL = "total", _("in total")
    PER_YEAR = "per-year", _("per year")
    PER_YEAR_AVERAGE = "per-year-average", _("per year (average)")
    PER_MONTH = "per-month", _("per month")
    YEAR = "year", _("in the year given")


class PracticeBudget(Orderable):
    practice = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="budgets")
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("How much did it cost? The figure only, e.g. 800000."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[validate_currency_code],
        help_text=_("ISO 4217 code, e.g. EUR."),
    )
    period = models.CharField(
        _("period"),
        max_length=20,
        choices=BudgetPeriod.choices,
        blank=True,
        help_text=_("What the amount covers: the whole practice, a year, a month."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("For “in the year given”: the year the amount was spent."),
    )
    funding_sources = models.CharField(
        _("funding sources"),
        max_length=255,
        blank=True,
        help_text=_("Who paid for it, e.g. European Social Fund and the municipality."),
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("amount"),
                FieldPanel("currency", widget=CurrencySelect),
                FieldPanel("period"),
                FieldPanel("year"),
            ]
        ),
        FieldPanel("funding_sources"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("budget")

    def __str__(self):
        return f"{self.amount} {self.currency}"

    def clean(self):
        super().clean()
        if self.period == BudgetPeriod.YEAR and not self.year:
            raise ValidationError({"year": _("Give the year the amount was spent.")})

    @property
    def period_text(self):
        """ "pro Jahr (Durchschnitt)", "im Jahr 2013": what the amount covers, in the active
        language."""
        if self.period == BudgetPeriod.YEAR and self.year:
            return _("in %(year)s") % {"year": self.year}
        return str(self.get_period_display()) if self.period else ""

    @property
    def display(self):
        """ "800.000 € pro Jahr (Durchschnitt)": the amount in the language's currency format
        followed by what it covers; how every page, export and the API's label write it."""
        return " ".join(filter(None, [format_money(self.amount, self.currency), self.period_text]))


class PracticeOutcome(Orderable):
    practice = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="outcomes")
    label = models.CharField(
        _("label"),
        max_length=255,
        help_text=_("What was measured, e.g. Young people reached."),
    )
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, help_text=_("The figure, e.g. 1400.")
    )
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("e.g. people, households, %")
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("The year the figure refers to."),
    )

    panels = [
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("value"), FieldPanel("unit"), FieldPanel("year")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("outcome figure")

    def __str__(self):
        return f"{self.label}: {self.value} {self.unit}".strip()

    @property
    def display_value(self):
        value = self.value.normalize() if self.value is not None else ""
        if isinstance(value, Decimal) and value == value.to_integral():
            value = value.quantize(Decimal(1))
        return value


class PracticeContact(Orderable):
    practice = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    public = models.BooleanField(
        _("may be shown publicly"),
        default=False,
        help_text=_("Only tick this when the person has agreed to be shown on public pages."),
    )
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role")]),
        FieldPanel("organisation"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldRowPanel([FieldPanel("public"), FieldPanel("consent_date")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("contact")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.public and not self.consent_date:
            raise ValidationError(
                {"consent_date": _("Give the date the person agreed to be shown publicly.")}
            )


class PracticeLink(Orderable):
    practice = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=255)
    url = models.URLField(_("URL"), max_length=500)

    panels = [FieldPanel("title"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")

    def __str__(self):
        return self.title


class PracticeDocument(Orderable):
    practice = ParentalKey(PracticePage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )
    title = models.CharField(
        _("title"), max_length=255, blank=True, help_text=_("Defaults to the document's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("document")

    def __str__(self):
        return self.title or self.document.title


from .validation import PracticeValidationState, PracticeValidationTask  # noqa: E402, F401
