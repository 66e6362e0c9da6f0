from django.template.response import TemplateResponse

from .validation import CRITERIA, Verdict


def validation_criteria(request):
    """The published criteria validators check a practice against."""
    return TemplateResponse(
        request,
        "practices/validation_criteria.html",
        {"criteria": CRITERIA, "verdicts": Verdict.choices},
    )
