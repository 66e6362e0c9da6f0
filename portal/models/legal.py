"""The pages an EU public body must publish: privacy notice, accessibility statement (in the
model form of Commission Implementing Decision (EU) 2018/1523) and legal notice.

Their standard wording lives in the templates (``portal/legal/*.html``) as translatable
blocks, so visitors read it in their interface language like the rest of the interface;
editors fill in the facts (who, where, which authority, what is not yet accessible) in
structured fields and may add text of their own below. The footer links them
(``portal.legal``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Page


class LegalPage(Page):
    """What the three pages share: the body responsible, how to reach it, extra text."""

    organisation_name = models.CharField(
        _("organisation"),
        max_length=255,
        help_text=_("The public body responsible for the portal (controller, publisher)."),
    )
    postal_address = models.TextField(_("postal address"), blank=True)
    contact_email = models.EmailField(_("contact email"))
    hosting_provider = models.CharField(
        _("hosting provider"),
        max_length=255,
        blank=True,
        help_text=_("Who runs the servers, with their country, e.g. 'Example Cloud SE, Germany'."),
    )
    body = models.TextField(
        _("additional text"),
        blank=True,
        help_text=_("Markdown, shown after the standard wording."),
    )
    last_updated = models.DateField(_("last updated"), null=True, blank=True)

    organisation_panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("postal_address"),
                FieldPanel("contact_email"),
                FieldPanel("hosting_provider"),
            ],
            heading=_("Responsible body"),
        )
    ]
    parent_page_types = ["portal.HomePage"]
    subpage_types = []
    # One of each per portal: the footer links it.
    max_count = 1

    class Meta:
        abstract = True


class PrivacyNoticePage(LegalPage):
    dpo_contact = models.CharField(
        _("data protection officer"),
        max_length=255,
        blank=True,
        help_text=_("Name or office and email address of the data protection officer."),
    )
    supervisory_authority = models.CharField(
        _("supervisory authority"),
        max_length=255,
        blank=True,
        help_text=_("The data protection authority a complaint may be lodged with."),
    )
    supervisory_authority_url = models.URLField(_("supervisory authority's website"), blank=True)
    server_log_days = models.PositiveSmallIntegerField(
        _("server logs kept for (days)"),
        default=30,
        help_text=_("How long the web server keeps its access logs (set by whoever hosts it)."),
    )

    content_panels = [
        *Page.content_panels,
        *LegalPage.organisation_panels,
        MultiFieldPanel(
            [
                FieldPanel("dpo_contact"),
                FieldRowPanel(
                    [FieldPanel("supervisory_authority"), FieldPanel("supervisory_authority_url")]
                ),
                FieldPanel("server_log_days"),
            ],
            heading=_("Data protection"),
        ),
        FieldPanel("body"),
        FieldPanel("last_updated"),
    ]
    template = "portal/legal/privacy_notice_page.html"

    class Meta:
        verbose_name = _("privacy notice")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["retention_months"] = settings.PORTAL_PERSONAL_DATA_RETENTION_MONTHS
        return context


class ComplianceStatus(models.TextChoices):
    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class AssessmentMethod(models.TextChoices):
    SELF = "self", _("a self-assessment")
    THIRD_PARTY = "third-party", _("an assessment by a third party")


class AccessibilityStatementPage(LegalPage):
    national_law = models.CharField(
        _("national legislation"),
        max_length=255,
        help_text=_("The national law transposing Directive (EU) 2016/2102."),
    )
    standard = models.CharField(
        _("standard"),
        max_length=255,
        default="EN 301 549 V3.2.1 (WCAG 2.1, level AA)",
    )
    compliance_status = models.CharField(
        _("compliance status"),
        max_length=12,
        choices=ComplianceStatus.choices,
        default=ComplianceStatus.PARTIAL,
    )
    non_accessible_content = models.TextField(
        _("non-accessible content"),
        blank=True,
        help_text=_(
            "Markdown: what is not accessible and why (non-compliance, disproportionate burden, "
            "content outside the directive's scope), and the accessible alternatives."
        ),
    )
    prepared_on = models.DateField(_("statement prepared on"))
    reviewed_on = models.DateField(_("statement last reviewed on"), null=True, blank=True)
    assessment_method = models.CharField(
        _("assessment method"),
        max_length=12,
        choices=AssessmentMethod.choices,
        default=AssessmentMethod.SELF,
    )
    response_days = models.PositiveSmallIntegerField(
        _("answer within (days)"), default=20, help_text=_("How soon feedback is answered.")
    )
    enforcement_body = models.CharField(
        _("enforcement body"),
        max_length=255,
        help_text=_("Where a visitor turns when the answer to their feedback is unsatisfactory."),
    )
    enforcement_url = models.URLField(_("enforcement body's website"), blank=True)

    content_panels = [
        *Page.content_panels,
        *LegalPage.organisation_panels,
        MultiFieldPanel(
            [
                FieldPanel("national_law"),
                FieldPanel("standard"),
                FieldPanel("compliance_status"),
                FieldPanel("non_accessible_content"),
            ],
            heading=_("Compliance status"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("prepared_on"), FieldPanel("reviewed_on")]),
                FieldPanel("assessment_method"),
            ],
            heading=_("Preparation of this statement"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("response_days"),
                FieldRowPanel([FieldPanel("enforcement_body"), FieldPanel("enforcement_url")]),
            ],
            heading=_("Feedback and enforcement"),
        ),
        FieldPanel("body"),
    ]
    template = "portal/legal/accessibility_statement_page.html"

    class Meta:
        verbose_name = _("accessibility statement")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site = self.get_site()
        context["site_address"] = site.root_url if site else request.build_absolute_uri("/")
        return context


class LegalNoticePage(LegalPage):
    responsible_person = models.CharField(
        _("responsible for the content"),
        max_length=255,
        blank=True,
        help_text=_("The person or office responsible for the editorial content."),
    )
    content_licence = models.CharField(
        _("content licence"),
        max_length=100,
        blank=True,
        default="Creative Commons Attribution 4.0 International (CC BY 4.0)",
    )
    content_licence_url = models.URLField(
        _("licence's address"), blank=True, default="https://creativecommons.org/licenses/by/4.0/"
    )
    source_code_url = models.URLField(_("source code"), blank=True)

    content_panels = [
        *Page.content_panels,
        *LegalPage.organisation_panels,
        FieldPanel("responsible_person"),
        FieldRowPanel([FieldPanel("content_licence"), FieldPanel("content_licence_url")]),
        FieldPanel("source_code_url"),
        FieldPanel("body"),
        FieldPanel("last_updated"),
    ]
    template = "portal/legal/legal_notice_page.html"

    class Meta:
        verbose_name = _("legal notice")


LEGAL_PAGE_MODELS = (PrivacyNoticePage, AccessibilityStatementPage, LegalNoticePage)
