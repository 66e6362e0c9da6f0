"""Any change to the vocabulary (a concept, a label, a broader link, the target groups and
themes a concept is linked to, or their slugs) drops the search's cached table."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.models import TargetGroup, Theme
from search import thesaurus as search_thesaurus

from .models import Concept, ConceptLabel


def changed(sender, **kwargs):
    search_thesaurus.forget()


def connect():
    for model in (Concept, ConceptLabel, TargetGroup, Theme):
        post_save.connect(changed, sender=model, dispatch_uid=f"thesaurus_saved_{model.__name__}")
        post_delete.connect(
            changed, sender=model, dispatch_uid=f"thesaurus_deleted_{model.__name__}"
        )
    for relation in (Concept.broader, Concept.target_groups, Concept.themes):
        m2m_changed.connect(
            changed, sender=relation.through, dispatch_uid=f"thesaurus_m2m_{relation.field.name}"
        )
