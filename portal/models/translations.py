"""Which version of a page a visitor reads: the original, a human translation or a machine
translation (docs/languages.md).

Every page keeps the language it was written in as its Wagtail ``locale``. A page that is a
translation of another carries one ``TranslatedVersion`` row; a page without one is an
original. The row is made when the translation is created (Wagtail's
``copy_for_translation_done`` signal, which wagtail-localize's workflow and the demo loader
both go through) and says whether people or a machine translated it, and whether an editor
has reviewed a machine translation.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TranslationKind(models.TextChoices):
    HUMAN = "human", _("Human translation")
    MACHINE = "machine", _("Machine translation")


class TranslatedVersion(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="translated_version",
        verbose_name=_("page"),
    )
    kind = models.CharField(
        _("translated by"),
        max_length=10,
        choices=TranslationKind.choices,
        default=TranslationKind.HUMAN,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        verbose_name = _("translated version")
        verbose_name_plural = _("translated versions")

    def __str__(self):
        return f"{self.page_id}: {self.get_kind_display()}"

    @property
    def is_machine(self):
        return self.kind == TranslationKind.MACHINE

    @property
    def needs_review(self):
        return self.is_machine and self.reviewed_at is None

    def mark_reviewed(self, user):
        self.reviewed_at = timezone.now()
        self.reviewed_by = user
        self.save(update_fields=["reviewed_at", "reviewed_by"])
