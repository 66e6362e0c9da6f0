from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = _("Portal core")

    def ready(self):
        post_migrate.connect(
            sync_site_address, sender=self, dispatch_uid="portal_sync_site_address"
        )
        from . import cache, translation_status
        from .legal import connect_signals
        from .models import CooperationProject, Organisation
        from .roles import setup_roles_for_new
        from .security import install_admin_patches

        install_admin_patches()

        for model in (Organisation, CooperationProject):
            post_save.connect(
                setup_roles_for_new, sender=model, dispatch_uid=f"setup_roles_{model.__name__}"
            )
        connect_signals()
        cache.connect()
        translation_status.connect()


def sync_site_address(sender, using="default", verbosity=1, **kwargs):
    """After every migrate, the default Wagtail Site takes PORTAL_BASE_URL's host and port."""
    from .public_address import base_url, sync_default_site

    if sync_default_site(using=using) and verbosity:
        print(f"Default site's address set to {base_url()} (PORTAL_BASE_URL).")
