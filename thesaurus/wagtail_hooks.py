"""The thesaurus in the admin (a snippet with its labels inline), as search/ reads it (the
``register_thesaurus`` hook) and in the demo content (fixtures/thesaurus.yaml)."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import ConceptForm
from .models import Concept, ConceptLabel, LabelKind


class BroaderColumn(Column):
    def get_value(self, instance):
        return ", ".join(concept.preferred_label for concept in instance.broader.all())


class ConceptViewSet(SnippetViewSet):
    model = Concept
    icon = "list-ul"
    menu_label = _("Thesaurus")
    menu_order = 310
    add_to_admin_menu = True
    search_backend_name = None  # plain ORM lookups on the fields below
    search_fields = ["preferred_label", "slug", "definition", "labels__text"]
    list_filter = ["broader", "target_groups"]
    ordering = ["preferred_label"]
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "preferred_label",
        BroaderColumn("broader", label=_("Broader")),
        Column("synonym_count", label=_("Synonyms"), sort_key="synonym_count"),
    ]
    edit_handler = ObjectList(Concept.panels, base_form_class=ConceptForm)

    def get_queryset(self, request):
        synonyms = (
            ConceptLabel.objects.filter(concept=OuterRef("pk"), kind=LabelKind.ALTERNATIVE)
            .order_by()
            .values("concept")
            .annotate(count=Count("pk"))
            .values("count")
        )
        # A subquery rather than a join: the listing's search joins the labels too, and
        # the count must not multiply with it.
        return (
            Concept.objects.annotate(synonym_count=Coalesce(Subquery(synonyms), 0))
            .prefetch_related("broader")
            .distinct()
        )


register_snippet(ConceptViewSet)


def _references(concepts):
    """The (facet, value) pairs of the target groups and themes linked to ``concepts``."""
    references = set()
    for concept in concepts:
        if isinstance(concept, Concept) and concept.pk:
            stored = Concept.objects.filter(pk=concept.pk)
            references |= {
                ("target_group", slug)
                for slug in stored.values_list("target_groups__slug", flat=True)
            }
            references |= {
                ("theme", slug) for slug in stored.values_list("themes__slug", flat=True)
            }
    references.discard(("target_group", None))
    references.discard(("theme", None))
    return references


@hooks.register("before_edit_snippet")
def remember_linked_documents(request, instance):
    request.thesaurus_references = _references([instance])


@hooks.register("before_delete_snippet")
def remember_deleted_links(request, instances):
    request.thesaurus_references = _references(instances)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def reindex_linked_documents(request, instance):
    """Practices (any indexed type) with the concept's target groups or themes, before and
    after the change, get the new labels in their search documents now; above
    search.indexing.REINDEX_LIMIT of them the editor is asked to rebuild the index."""
    from django.contrib import messages

    from search.indexing import update_tagged

    instances = instance if isinstance(instance, list) else [instance]
    if not any(isinstance(each, Concept) for each in instances):
        return
    references = getattr(request, "thesaurus_references", set()) | _references(instances)
    if update_tagged(references) is None:
        messages.warning(
            request,
            _(
                "Many pages are tagged with this concept's target groups or themes: their "
                "search documents get its new labels at the next "
                "“manage.py search_index --rebuild”."
            ),
        )


@hooks.register("register_thesaurus")
def thesaurus_concepts():
    from .models import thesaurus_concepts

    return thesaurus_concepts()


@hooks.register("load_demo_content", order=50)
def load_demo_thesaurus(home):
    from .loading import load_thesaurus

    return load_thesaurus()


@hooks.register("setup_roles")
def thesaurus_roles(groups):
    """Site editors grow the thesaurus; validators and contributors may look at it."""
    from portal.roles import model_permissions

    groups.site_editors.permissions.add(*model_permissions(Concept))
    view = model_permissions(Concept, ["view"])
    groups.validators.permissions.add(*view)
    for group in groups.contributors:
        group.permissions.add(*view)
    return "Thesaurus: site editors edit concepts, the other roles see them"
