"""What the roles mean for practices: page permissions on the practice index, the validation
workflow, and where each of a writer's practices stands."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Workflow, WorkflowPage, WorkflowState, WorkflowTask

from portal.roles import grant_page_permissions

from .models import PracticeIndexPage, PracticePage
from .permissions import practices_in_scope_q
from .validation import PracticeValidationTask

WORKFLOW_NAME = "Practice validation"
TASK_NAME = "Validation against the published criteria"


def ensure_validation_workflow(index, validators):
    """The validation workflow, with its one task reviewed by ``validators``, on ``index``."""
    task = PracticeValidationTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = PracticeValidationTask.objects.create(name=TASK_NAME)
    task.groups.add(validators)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(
            workflow=workflow, task=task, sort_order=workflow.workflow_tasks.count()
        )
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def setup_practice_roles(groups):
    index = PracticeIndexPage.objects.first()
    if index is None:
        return "Practices: no practice index page yet; run setup_roles again once it exists."
    for group in groups.contributors:
        # "add" only: Wagtail lets them create practices here; which existing practices they
        # may edit is decided per practice (practices.permissions).
        grant_page_permissions(group, index, ["add"])
    ensure_validation_workflow(index, groups.validators)
    return f"Practices: writers may add under '{index.title}'; workflow '{WORKFLOW_NAME}' assigned"


STAGE_LABELS = {
    "draft": _("Draft"),
    "submitted": _("Awaiting validation"),
    "changes": _("Changes requested"),
    "published": _("Published"),
    "published-changes": _("Published, with unpublished changes"),
}


def practices_for_writer(user, limit=50):
    """The practices ``user`` writes for (their organisations' and projects', or owned), each
    with ``stage`` (a key of STAGE_LABELS), ``stage_label`` and, when sent back,
    ``review_comment``. A fixed number of queries."""
    from django.db.models import Q

    pages = list(
        PracticePage.objects.filter(practices_in_scope_q(user) | Q(owner=user))
        .select_related("lead_organisation")
        .order_by("-latest_revision_created_at", "title")[:limit]
    )
    states = {
        state.object_id: state
        for state in WorkflowState.objects.active()
        .filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=[str(page.pk) for page in pages],
        )
        .select_related("current_task_state")
    }
    for page in pages:
        state = states.get(str(page.pk))
        page.review_comment = ""
        if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            page.stage = "changes"
            if state.current_task_state:
                page.review_comment = state.current_task_state.comment
        elif state:
            page.stage = "submitted"
        elif page.live:
            page.stage = "published-changes" if page.has_unpublished_changes else "published"
        else:
            page.stage = "draft"
        page.stage_label = STAGE_LABELS[page.stage]
    return pages
