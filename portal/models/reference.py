"""Reference data shared by every domain app: where things are, who does them, under which
project, for whom and on what theme."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TagBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from portal.formats import country_name, language_code

from .images import LeadImageMixin
from .labels import LabelledModel


class Country(index.Indexed, models.Model):
    """A country by its ISO code. ``name`` is the English name the records are filed under;
    readers see CLDR's name in their language (``local_name``)."""

    code = models.CharField(
        _("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2, e.g. ES")
    )
    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("In English, e.g. Spain.")
    )

    panels = [FieldPanel("code"), FieldPanel("name")]
    # The admin's country chooser searches these (Wagtail offers search on indexed models).
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("code"),
        index.SearchField("code"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.local_name

    def save(self, *args, **kwargs):
        self.code = self.code.upper()
        super().save(*args, **kwargs)

    @property
    def local_name(self):
        """CLDR's name in the active language: "Deutschland", "Germania", "Германия"."""
        return country_name(self.code, default=self.name)


class Region(models.Model):
    name = models.CharField(
        _("name"),
        max_length=150,
        help_text=_("In the region's own language, as people there write it, e.g. Lombardia."),
    )
    name_en = models.CharField(
        _("English name"),
        max_length=150,
        blank=True,
        help_text=_("Only where it differs from the name, e.g. Lombardy."),
    )
    nuts_code = models.CharField(
        _("NUTS code"), max_length=10, blank=True, help_text=_("Where known, e.g. ES41")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="regions", verbose_name=_("country")
    )
    slug = models.SlugField(_("slug"), max_length=160, unique=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldPanel("slug"),
        FieldPanel("nuts_code"),
        FieldPanel("country"),
    ]

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="unique_region_per_country")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("portal:region_detail", args=[self.slug])

    @property
    def local_name(self):
        """The name in the region's own language; English readers also get the English name
        where it differs: "Lombardia (Lombardy)"."""
        if self.name_en and self.name_en != self.name and language_code() == "en":
            return f"{self.name} ({self.name_en})"
        return self.name


class OrganisationType(models.TextChoices):
    PUBLIC_AUTHORITY = "public-authority", _("Public authority")
    NGO = "ngo", _("NGO")
    UNIVERSITY = "university", _("University")
    RESEARCH = "research", _("Research centre")
    SOCIAL_ENTERPRISE = "social-enterprise", _("Social enterprise")
    NETWORK = "network", _("Network or federation")
    PRIVATE = "private", _("Private company")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)
    organisation_type = models.CharField(
        _("type"), max_length=32, choices=OrganisationType.choices, default=OrganisationType.OTHER
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("country"),
        help_text=_("Leave empty for European networks without a national seat."),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("region"),
    )
    website = models.URLField(_("website"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("organisation_type"),
        FieldRowPanel([FieldPanel("country"), FieldPanel("region")]),
        FieldPanel("website"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.region_id and self.country_id and self.region.country_id != self.country_id:
            raise ValidationError(
                {"region": _("The region must be in the organisation's country.")}
            )


class FundingProgramme(models.TextChoices):
    INTERREG_EUROPE = "interreg-europe", _("Interreg Europe")
    EASI = "easi", _("EaSI (Employment and Social Innovation)")
    EEA_GRANTS = "eea-grants", _("EEA and Norway Grants")
    ESF = "esf", _("European Social Fund")
    NATIONAL = "national", _("National or regional funding")
    OTHER = "other", _("Other")


# For a page's ``project`` link (practices, learning events, action plans): wagtail-localize
# translates links to translatable records by default, which would point a translated page
# at the project's translation (or fail when there is none). Its translations keep the
# original project instead, the one record every listing, facet and role knows.
SYNCHRONIZED_PROJECT = SynchronizedField("project", overridable=False)


def original_projects():
    """The projects themselves, without their translations: the one rule of every listing,
    facet, export, chooser and role (a translation is not a second project). As a condition,
    for ``limit_choices_to`` on every link to a project; querysets say ``originals()``."""
    return models.Q(original__isnull=True)


class CooperationProjectQuerySet(models.QuerySet):
    def originals(self):
        return self.filter(original_projects())

    def translations(self):
        """Only the translations (what the search indexes with their original)."""
        return self.filter(original__isnull=False)


class CooperationProject(TranslatableMixin, LeadImageMixin, ClusterableModel):
    """A cooperation project. Translatable with wagtail-localize (docs/languages.md): a
    translation carries the name, summary and image description in its language and shares
    everything else (acronym, slug, programme, dates, website) with the original, which
    alone has the partnership and is what pages, listings and roles refer to."""

    acronym = models.CharField(_("acronym"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=60)
    programme = models.CharField(
        _("funding programme"), max_length=32, choices=FundingProgramme.choices
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    countries = ParentalManyToManyField(
        Country, blank=True, related_name="projects", verbose_name=_("partner countries")
    )
    partners = ParentalManyToManyField(
        Organisation, blank=True, related_name="projects", verbose_name=_("partner organisations")
    )
    summary = models.TextField(_("summary"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Set when wagtail-localize (or the demo loader) copies the project for translation
    # (portal.translation_status); empty on the original.
    original = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="translations",
        verbose_name=_("original"),
    )

    objects = CooperationProjectQuerySet.as_manager()

    # What translators translate; the rest is the original's, copied on every sync. The
    # partnership (countries, partners) is not copied at all: only the original has one.
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("summary"),
        TranslatableField("lead_image_alt"),
        SynchronizedField("acronym", overridable=False),
        SynchronizedField("slug", overridable=False),
        SynchronizedField("programme", overridable=False),
        SynchronizedField("start_date", overridable=False),
        SynchronizedField("end_date", overridable=False),
        SynchronizedField("website"),
        SynchronizedField("lead_image"),
        SynchronizedField("lead_image_credit"),
    ]
    exclude_fields_in_copy = ["countries", "partners"]

    panels = [
        FieldRowPanel([FieldPanel("acronym"), FieldPanel("slug")]),
        FieldPanel("name"),
        FieldPanel("programme"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        MultiFieldPanel(
            [FieldPanel("countries"), FieldPanel("partners")], heading=_("Partnership")
        ),
        FieldPanel("summary"),
        FieldPanel("website"),
        *LeadImageMixin.lead_image_panels,
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["acronym"]
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")
        constraints = [
            # Translations share the original's acronym and slug, in their own locale.
            models.UniqueConstraint(
                fields=["acronym", "locale"], name="unique_project_acronym_per_locale"
            ),
            models.UniqueConstraint(
                fields=["slug", "locale"], name="unique_project_slug_per_locale"
            ),
        ]

    def __str__(self):
        return self.acronym

    def get_absolute_url(self):
        return reverse("portal:project_detail", args=[self.slug])

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )


class TargetGroup(LabelledModel):
    """A controlled list, so that facets count the same group under one name."""

    name = models.CharField(_("name"), max_length=120, unique=True, help_text=_("In English."))
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("labels"),
        FieldPanel("slug"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self):
        return self.local_name


class Theme(LabelledModel, TagBase):
    """Themes are free tags (django-taggit) with their own table, kept apart from Wagtail's
    image and document tags. Editors type the English name in the tag input; its names in
    the other languages are set on the theme itself (Reference data › Themes)."""

    free_tagging = True

    panels = [FieldPanel("name"), FieldPanel("labels"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
