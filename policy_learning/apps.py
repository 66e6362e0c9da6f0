from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyLearningConfig(AppConfig):
    name = "policy_learning"
    label = "policy_learning"
    verbose_name = _("Policy learning")
