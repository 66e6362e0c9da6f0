from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThesaurusConfig(AppConfig):
    name = "thesaurus"
    label = "thesaurus"
    verbose_name = _("Thesaurus")

    def ready(self):
        from . import signals

        signals.connect()
