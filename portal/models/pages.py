from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HomePage(Page):
    """The portal's front door. Domain apps contribute their sections (newest practices,
    upcoming events, counts, links under the search box) through the
    ``portal_home_context`` hook, so the core does not import them."""

    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Markdown, shown under the title.")
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["home_sections"] = []
        context["home_counts"] = []
        context["home_links"] = []
        # Lists to browse by (countries, themes, target groups): {"title", "items": [{"label",
        # "url", "count"}], "kind"}. The map of practices by country is the home template's.
        context["home_browse"] = []
        for contribute in hooks.get_hooks("portal_home_context"):
            contribute(request, context)
        return context


class StandardPage(Page):
    """A plain Markdown page: about, validation criteria, legal notices."""

    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))

    content_panels = [*Page.content_panels, FieldPanel("body")]
    subpage_types = ["portal.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
