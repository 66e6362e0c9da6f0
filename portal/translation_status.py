"""Keeping each page's TranslatedVersion (portal/models/translations.py) in step with
Wagtail and wagtail-localize; connected in PortalConfig.ready(), before search/ connects its
own receivers, so the index sees a new translation as one.

- A page copied for translation (wagtail-localize's "Translate this page", or the demo
  loader) becomes a translation, made by people until said otherwise.
- A cooperation project copied for translation (wagtail-localize's "Translate" on the
  snippet, or the demo loader) points at its original before it is first saved, so it never
  counts as a second project (``CooperationProject.objects.originals()``).
- When a translation is published, it is a machine translation if any of the strings that
  wagtail-localize holds for it in that language came from the machine translator and
  nobody has edited them since; a machine translation already reviewed stays reviewed only
  while it stays a machine translation.
"""

from wagtail.signals import copy_for_translation_done, page_published

from .models import CooperationProject, TranslatedVersion, TranslationKind


def on_copied_for_translation(sender, source_obj, target_obj, **kwargs):
    from wagtail.models import Page

    if isinstance(target_obj, Page):
        TranslatedVersion.objects.get_or_create(page_id=target_obj.pk)
    elif isinstance(target_obj, CooperationProject):
        # The copy is not saved yet: whoever copied it saves it with its original.
        target_obj.original_id = source_obj.original_id or source_obj.pk


def machine_translated(page):
    """Whether wagtail-localize's strings for this page in its language are (partly) the
    machine translator's."""
    from wagtail_localize.models import StringTranslation

    return StringTranslation.objects.filter(
        locale_id=page.locale_id,
        context__object_id=page.translation_key,
        translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
    ).exists()


def on_published(sender, instance, **kwargs):
    version = TranslatedVersion.objects.filter(page_id=instance.pk).first()
    if version is None:
        return
    kind = TranslationKind.MACHINE if machine_translated(instance) else TranslationKind.HUMAN
    if kind != version.kind:
        version.kind = kind
        version.reviewed_at = None
        version.reviewed_by = None
        version.save()


def connect():
    copy_for_translation_done.connect(
        on_copied_for_translation, dispatch_uid="portal_copied_for_translation"
    )
    page_published.connect(on_published, dispatch_uid="portal_translation_published")
