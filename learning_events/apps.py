from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningEventsConfig(AppConfig):
    name = "learning_events"
    label = "learning_events"
    verbose_name = _("Learning events")
