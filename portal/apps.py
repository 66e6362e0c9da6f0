from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = _("Portal core")

    def ready(self):
        from .models import CooperationProject, Organisation
        from .roles import setup_roles_for_new

        for model in (Organisation, CooperationProject):
            post_save.connect(
                setup_roles_for_new, sender=model, dispatch_uid=f"setup_roles_{model.__name__}"
            )
