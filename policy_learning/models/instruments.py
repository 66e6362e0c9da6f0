"""Policy instruments: the programmes, strategies, laws and plans a region wants to improve."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from portal.models import original_projects

YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]


class InstrumentKind(models.TextChoices):
    PROGRAMME = "programme", _("Regional or operational programme")
    STRATEGY = "strategy", _("Strategy")
    LAW = "law", _("Law or regulation")
    LOCAL_PLAN = "local-plan", _("Local plan")
    OTHER = "other", _("Other")


class PolicyInstrument(ClusterableModel):
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    region = models.ForeignKey(
        "portal.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policy_instruments",
        verbose_name=_("region"),
        help_text=_("Leave empty for a national instrument and give the country."),
    )
    country = models.ForeignKey(
        "portal.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policy_instruments",
        verbose_name=_("country"),
    )
    managing_body = models.CharField(_("managing body"), max_length=255, blank=True)
    period_start = models.PositiveSmallIntegerField(
        _("from (year)"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    period_end = models.PositiveSmallIntegerField(
        _("to (year)"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    url = models.URLField(_("link"), blank=True)
    projects = ParentalManyToManyField(
        "portal.CooperationProject",
        limit_choices_to=original_projects,
        blank=True,
        related_name="policy_instruments",
        verbose_name=_("addressed by cooperation projects"),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("region"), FieldPanel("country")]),
        FieldPanel("managing_body"),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
        FieldPanel("url"),
        MultiFieldPanel([FieldPanel("projects")], heading=_("Cooperation")),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("policy instrument")
        verbose_name_plural = _("policy instruments")

    def __str__(self):
        return self.name

    @property
    def place(self):
        return self.region or self.country

    def clean(self):
        errors = {}
        if not self.region_id and not self.country_id:
            errors["region"] = _("Give the region, or the country of a national instrument.")
        if self.region_id and self.country_id and self.region.country_id != self.country_id:
            errors["country"] = _("The region must be in this country.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period must not end before it starts.")
        if errors:
            raise ValidationError(errors)
