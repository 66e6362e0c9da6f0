"""The validation workflow: a validator checks a submitted practice against published criteria,
records a verdict per criterion and a comment, then approves (which publishes it) or requests
changes (which sends it back to the author with the comments).

Built on Wagtail's own workflow models, so the admin's moderation dashboard, history,
comparison view and email notifications all work unchanged."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState


class Verdict(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not-met", _("Not met")


# The published criteria: (field name, label, what the validator looks for). The order is the
# order of the checklist, of the criteria page and of the "validated" box on a practice.
CRITERIA = [
    (
        "relevance",
        _("Relevance to the target group"),
        _(
            "The practice answers a documented need of the people it serves, and the target "
            "group is named precisely."
        ),
    ),
    (
        "evidence",
        _("Evidence of results"),
        _(
            "Results are shown by figures, an evaluation or other verifiable evidence, not only "
            "by intentions."
        ),
    ),
    (
        "transferability",
        _("Transferability"),
        _(
            "Another region could adopt it: the conditions, resources and steps it needs are "
            "described."
        ),
    ),
    (
        "sustainability",
        _("Sustainability"),
        _(
            "It lasts or can last beyond its first funding: stable financing, institutional "
            "support or integration into a policy."
        ),
    ),
    (
        "participation",
        _("Participation of the people served"),
        _("The people the practice serves take part in designing, running or evaluating it."),
    ),
    (
        "ethics",
        _("Ethics"),
        _(
            "It respects the dignity, consent and personal data of the people served and "
            "avoids stigmatising them."
        ),
    ),
]
CRITERION_NAMES = [name for name, _label, _help in CRITERIA]

# What each criterion is judged on: the parts of a practice a validator expects filled in.
# (field, label, kind): "text" a narrative or text field, "many" a many-to-many or tag field,
# "rows" an inline list (budgets, outcomes). The editor's completeness box
# (practices/panels.py) lists those still empty, and each criterion of the validator's checklist
# names them, so author and validator read the same list.
CRITERION_SECTIONS = {
    "relevance": [
        ("context", _("Context / problem addressed"), "text"),
        ("target_groups", _("Target groups"), "many"),
    ],
    "evidence": [
        ("evidence", _("Evidence of success"), "text"),
        ("outcomes", _("Outcome figures"), "rows"),
    ],
    "transferability": [
        ("transferability", _("Potential for learning or transfer"), "text"),
        ("resources", _("Resources and budget"), "text"),
        ("difficulties", _("Difficulties encountered"), "text"),
    ],
    "sustainability": [
        ("budgets", _("Budget"), "rows"),
        ("start_year", _("Start year"), "text"),
    ],
    "participation": [("practice", _("The practice"), "text")],
    "ethics": [("themes", _("Themes"), "many")],
}


def expected_sections():
    """[(field, label, kind, criterion label)] in checklist order, each field once."""
    labels = {name: label for name, label, _help in CRITERIA}
    seen, sections = set(), []
    for criterion in CRITERION_NAMES:
        for field, label, kind in CRITERION_SECTIONS.get(criterion, []):
            if field not in seen:
                seen.add(field)
                sections.append((field, label, kind, labels[criterion]))
    return sections


def _is_empty(practice, field, kind):
    value = getattr(practice, field, None)
    if kind == "text":
        return value in (None, "") or (isinstance(value, str) and not value.strip())
    return not value.all()


def missing_sections(practice):
    """The expected sections this practice leaves empty: [(field, label, criterion label)]."""
    return [
        (field, label, criterion)
        for field, label, kind, criterion in expected_sections()
        if _is_empty(practice, field, kind)
    ]


def _criterion_help(name, help_text):
    sections = ", ".join(str(label) for _f, label, _k in CRITERION_SECTIONS.get(name, []))
    if not sections:
        return help_text
    return format_lazy("{} {}", help_text, _("Judged on: %(sections)s.") % {"sections": sections})


def _verdict_field(label, help_text, required):
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.RadioSelect,
        choices=Verdict.choices if required else [("", _("Not assessed")), *Verdict.choices],
    )


class ApproveForm(forms.Form):
    """Approving needs a verdict on every criterion and none of them "not met"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, help_text in CRITERIA:
            self.fields[name] = _verdict_field(
                label, _criterion_help(name, help_text), required=True
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment"), required=False, widget=forms.Textarea({"rows": 3})
        )

    def clean(self):
        cleaned = super().clean()
        failed = [
            str(label) for name, label, _help in CRITERIA if cleaned.get(name) == Verdict.NOT_MET
        ]
        if failed:
            raise forms.ValidationError(
                _(
                    "A practice cannot be approved while a criterion is not met (%(criteria)s). "
                    "Request changes instead."
                )
                % {"criteria": ", ".join(failed)}
            )
        return cleaned


class RequestChangesForm(forms.Form):
    """Sending back needs a comment telling the author what to change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, help_text in CRITERIA:
            self.fields[name] = _verdict_field(
                label, _criterion_help(name, help_text), required=False
            )
        self.fields["comment"] = forms.CharField(
            label=_("What should the author change?"),
            required=True,
            widget=forms.Textarea({"rows": 4}),
        )


class PracticeValidationState(TaskState):
    """One review of one revision: the verdict on each criterion and the comment."""

    relevance = models.CharField(
        _("relevance to the target group"), max_length=10, choices=Verdict.choices, blank=True
    )
    evidence = models.CharField(
        _("evidence of results"), max_length=10, choices=Verdict.choices, blank=True
    )
    transferability = models.CharField(
        _("transferability"), max_length=10, choices=Verdict.choices, blank=True
    )
    sustainability = models.CharField(
        _("sustainability"), max_length=10, choices=Verdict.choices, blank=True
    )
    participation = models.CharField(
        _("participation of the people served"),
        max_length=10,
        choices=Verdict.choices,
        blank=True,
    )
    ethics = models.CharField(_("ethics"), max_length=10, choices=Verdict.choices, blank=True)

    class Meta:
        verbose_name = _("practice validation")
        verbose_name_plural = _("practice validations")

    def verdicts(self):
        """[(name, label, verdict value, verdict label)] in checklist order, assessed only."""
        return [
            (name, label, getattr(self, name), Verdict(getattr(self, name)).label)
            for name, label, _help in CRITERIA
            if getattr(self, name)
        ]

    def criteria_met(self):
        return [label for name, label, _help in CRITERIA if getattr(self, name) == Verdict.MET]

    def get_comment(self):
        # Shown in the workflow history and in the notification emails.
        lines = [f"{label}: {verdict_label}" for _n, label, _v, verdict_label in self.verdicts()]
        return "\n".join(filter(None, [self.comment, "\n".join(lines)]))


class PracticeValidationTask(AbstractGroupApprovalTask):
    """Members of the chosen groups (the validators) review practices against CRITERIA."""

    task_state_class = PracticeValidationState

    class Meta:
        verbose_name = _("practice validation task")
        verbose_name_plural = _("practice validation tasks")

    @classmethod
    def get_description(cls):
        return _(
            "Validators check the practice against the published criteria, record a verdict "
            "per criterion and approve it or request changes."
        )

    def get_actions(self, obj, user):
        if user.is_superuser or self._user_in_groups(user):
            return [("reject", _("Request changes"), True), ("approve", _("Approve"), True)]
        return []

    def get_form_for_action(self, action):
        return ApproveForm if action == "approve" else RequestChangesForm

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in ("approve", "reject"):
            return super().on_action(task_state, user, action_name, **kwargs)
        # The editor's action menu hands over data its modal validated in the browser: check it
        # again here, the only place both paths meet.
        form = self.get_form_for_action(action_name)(data=kwargs)
        if not form.is_valid():
            raise PermissionDenied(form.errors.as_text())
        task_state = task_state.specific
        for name in CRITERION_NAMES:
            setattr(task_state, name, form.cleaned_data.get(name) or "")
        comment = form.cleaned_data["comment"]
        if action_name == "approve":
            task_state.approve(user=user, comment=comment)
        else:
            task_state.reject(user=user, comment=comment)
        # Where Wagtail's workflow action view goes next (a ``next`` parameter aside, this
        # return value wins): the dashboard with "Awaiting your review". Its default, the
        # practice's editor, is closed to a validator once the practice has left review.
        # The view has no message to say it worked: the dashboard says it, for this task
        # state (``reviewed_message``).
        return f"{reverse('wagtailadmin_home')}?{REVIEWED_PARAM}={task_state.pk}"


REVIEWED_PARAM = "reviewed"


def reviewed_message(request):
    """The dashboard's confirmation after a review from its modal: "approved" or "sent
    back", for a task state this user finished (the address alone proves nothing)."""
    from django.contrib import messages

    from .models import PracticePage

    task_state_id = request.GET.get(REVIEWED_PARAM, "")
    if not task_state_id.isdigit() or len(task_state_id) > 18:
        return
    state = (
        TaskState.objects.filter(pk=int(task_state_id), finished_by=request.user)
        .select_related("revision")
        .first()
    )
    if state is None:
        return
    page = PracticePage.objects.filter(pk=state.revision.object_id).first()
    title = page.title if page else state.revision.object_str
    if state.status == TaskState.STATUS_APPROVED:
        messages.success(
            request, _("'%(title)s' was approved and is published.") % {"title": title}
        )
    elif state.status == TaskState.STATUS_REJECTED:
        messages.success(
            request,
            _("Changes to '%(title)s' were requested; its authors have been told.")
            % {"title": title},
        )
