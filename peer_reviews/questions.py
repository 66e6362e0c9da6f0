"""Question types of a peer-review worksheet and the classic peer-review template.

A worksheet's rows are Wagtail form-builder fields (``AbstractFormField``); the ``section`` type
is not a form field but starts a new section of the worksheet.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class QuestionType(models.TextChoices):
    SECTION = "section", _("Section heading (not a question)")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    RATING = "rating", _("Rating 1–5")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    YES_NO = "yes_no", _("Yes / no")
    PRACTICE = "practice", _("Practices from the portal")


TEXT_TYPES = {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT}
CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}
RATING_VALUES = (1, 2, 3, 4, 5)


def classic_questions():
    """The classic peer-review worksheet (Interreg Europe peer reviews), as question rows.

    Returned as plain dicts so that both a new page in the admin and the demo loader can use
    them; organisers edit them freely afterwards. The texts are translated into the language
    active when the worksheet is created.
    """
    q = QuestionType
    return [
        {
            "field_type": q.SECTION,
            "label": gettext("The host's policy challenge"),
            "help_text": gettext("What you understood from the host's presentation and the visit."),
        },
        {
            "field_type": q.LONG_TEXT,
            "label": gettext("How do you understand the host's policy challenge?"),
            "help_text": gettext(
                "In your own words: the problem, the people affected, what the host wants "
                "to change."
            ),
        },
        {
            "field_type": q.SECTION,
            "label": gettext("What you observed"),
            "help_text": gettext(
                "Strengths and weaknesses of the practice and of the policy instrument."
            ),
        },
        {"field_type": q.LONG_TEXT, "label": gettext("Strengths observed")},
        {"field_type": q.LONG_TEXT, "label": gettext("Weaknesses and risks")},
        {
            "field_type": q.SECTION,
            "label": gettext("Recommendations"),
            "help_text": gettext("What the host could do, soon and over the years."),
        },
        {
            "field_type": q.LONG_TEXT,
            "label": gettext("Short-term recommendations"),
            "help_text": gettext("Within the next 12 months."),
        },
        {
            "field_type": q.LONG_TEXT,
            "label": gettext("Long-term recommendations"),
            "required": False,
        },
        {
            "field_type": q.SECTION,
            "label": gettext("Transfer"),
            "help_text": gettext(
                "Learning in both directions: from your region to the host, "
                "and from the host to you."
            ),
        },
        {
            "field_type": q.PRACTICE,
            "label": gettext("Practices from your region worth transferring"),
            "help_text": gettext("Choose the practices in the portal that could help the host."),
            "required": False,
        },
        {
            "field_type": q.LONG_TEXT,
            "label": gettext("How could the practice visited be adapted to your context?"),
            "required": False,
        },
        {
            "field_type": q.RATING,
            "label": gettext("Overall transferability of the practice visited"),
            "scale_low_label": gettext("Hard to transfer"),
            "scale_high_label": gettext("Easy to transfer"),
        },
    ]
