"""Question types of a peer-review worksheet and the classic peer-review template.

A worksheet's rows are Wagtail form-builder fields (``AbstractFormField``); the ``section`` type
is not a form field but starts a new section of the worksheet.
"""

from django.db import models
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
    them; organisers edit them freely afterwards.
    """
    q = QuestionType
    return [
        {
            "field_type": q.SECTION,
            "label": "The host's policy challenge",
            "help_text": "What you understood from the host's presentation and the visit.",
        },
        {
            "field_type": q.LONG_TEXT,
            "label": "How do you understand the host's policy challenge?",
            "help_text": "In your own words: the problem, the people affected, what the host wants "
            "to change.",
        },
        {
            "field_type": q.SECTION,
            "label": "What you observed",
            "help_text": "Strengths and weaknesses of the practice and of the policy instrument.",
        },
        {"field_type": q.LONG_TEXT, "label": "Strengths observed"},
        {"field_type": q.LONG_TEXT, "label": "Weaknesses and risks"},
        {
            "field_type": q.SECTION,
            "label": "Recommendations",
            "help_text": "What the host could do, soon and over the years.",
        },
        {
            "field_type": q.LONG_TEXT,
            "label": "Short-term recommendations",
            "help_text": "Within the next 12 months.",
        },
        {"field_type": q.LONG_TEXT, "label": "Long-term recommendations", "required": False},
        {
            "field_type": q.SECTION,
            "label": "Transfer",
            "help_text": "Learning in both directions: from your region to the host, "
            "and from the host to you.",
        },
        {
            "field_type": q.PRACTICE,
            "label": "Practices from your region worth transferring",
            "help_text": "Choose the practices in the portal that could help the host.",
            "required": False,
        },
        {
            "field_type": q.LONG_TEXT,
            "label": "How could the practice visited be adapted to your context?",
            "required": False,
        },
        {
            "field_type": q.RATING,
            "label": "Overall transferability of the practice visited",
            "scale_low_label": "Hard to transfer",
            "scale_high_label": "Easy to transfer",
        },
    ]
