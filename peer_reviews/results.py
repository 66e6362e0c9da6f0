"""Results of a worksheet: progress, answers side by side, rating distributions, practices
pointed to; the rows of the exports; the content of the recommendations report.

Everything is read in a fixed number of queries, whatever the number of participants."""

from collections import Counter

from django.utils.translation import gettext as _

from portal.markdown import render_markdown

from .forms import YES_NO_CHOICES
from .models import (
    ANONYMOUS_PARTICIPANT,
    Invitation,
    QuotedAnswer,
    RecommendationsReport,
    SubmissionStatus,
)
from .questions import CHOICE_TYPES, RATING_VALUES, TEXT_TYPES, QuestionType


def event_facts(event):
    """What the report and the results say about the event, read from the event page."""
    facts = {
        "event": event,
        "challenge": getattr(event, "policy_challenge", ""),
        "instrument": getattr(event, "policy_instrument", ""),
        "instrument_url": getattr(event, "policy_instrument_url", ""),
        "host_organisation": getattr(event, "host_organisation", None),
        "host_region": getattr(event, "host_region", None),
        "project": getattr(event, "project", None),
        "peer_organisations": [],
        "peer_regions": [],
    }
    for name in ("peer_organisations", "peer_regions"):
        related = getattr(event, name, None)
        if related is not None:
            facts[name] = list(related.all())
    return facts


def load_submissions(worksheet, *, submitted_only=False):
    qs = (
        worksheet.get_submissions()
        .select_related("invitation__organisation", "invitation__region__country")
        .order_by("invitation__name", "pk")
    )
    if submitted_only:
        qs = qs.filter(status=SubmissionStatus.SUBMITTED)
    return list(qs)


def load_practices(questions, submissions):
    from practices.models import PracticePage

    ids = set()
    for question in questions:
        if question.field_type == QuestionType.PRACTICE:
            for submission in submissions:
                ids.update(
                    v
                    for v in submission.form_data.get(question.clean_name) or []
                    if isinstance(v, int)
                )
    if not ids:
        return {}
    pages = PracticePage.objects.filter(pk__in=ids).select_related("country")
    return {page.pk: page for page in pages}


def display_answer(question, value, practices):
    """An answer as text (exports, quotes)."""
    if value in (None, "", []):
        return ""
    if question.field_type == QuestionType.PRACTICE:
        return "; ".join(practices[v].title if v in practices else f"#{v}" for v in value)
    if question.field_type == QuestionType.YES_NO:
        return str(dict(YES_NO_CHOICES).get(value, value))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def progress(worksheet, submissions):
    invited = Invitation.objects.active().filter(event_id=worksheet.get_parent().pk).count()
    submitted = sum(1 for s in submissions if s.status == SubmissionStatus.SUBMITTED)
    return {
        "invited": invited,
        "started": len(submissions),
        "submitted": submitted,
        "drafts": len(submissions) - submitted,
    }


def _counts(values, options):
    counter = Counter(values)
    total = sum(counter[o] for o, _label in options)
    rows = []
    for option, label in options:
        count = counter[option]
        rows.append(
            {
                "value": option,
                "label": label,
                "count": count,
                "percent": round(100 * count / total) if total else 0,
            }
        )
    return rows, total


def question_results(question, submissions, practices):
    name = question.clean_name
    answered = [(s, s.form_data.get(name)) for s in submissions]
    answered = [(s, v) for s, v in answered if v not in (None, "", [])]
    result = {"question": question, "answers": [], "n": len(answered)}
    kind = question.field_type
    for submission, value in answered:
        result["answers"].append(
            {
                "submission": submission,
                "value": value,
                "text": display_answer(question, value, practices),
            }
        )
    if kind == QuestionType.RATING:
        values = [v for _s, v in answered if v in RATING_VALUES]
        labels = []
        for v in RATING_VALUES:
            label = str(v)
            if v == RATING_VALUES[0] and question.scale_low_label:
                label = f"{v} – {question.scale_low_label}"
            if v == RATING_VALUES[-1] and question.scale_high_label:
                label = f"{v} – {question.scale_high_label}"
            labels.append((v, label))
        result["distribution"], _total = _counts(values, labels)
        result["mean"] = round(sum(values) / len(values), 2) if values else None
    elif kind in CHOICE_TYPES or kind == QuestionType.YES_NO:
        options = (
            [(c, c) for c in question.choice_list()]
            if kind in CHOICE_TYPES
            else [(v, str(label)) for v, label in YES_NO_CHOICES]
        )
        flat = []
        for _s, value in answered:
            flat.extend(value if isinstance(value, list) else [value])
        result["distribution"], _total = _counts(flat, options)
    elif kind == QuestionType.PRACTICE:
        counter = Counter()
        for _s, value in answered:
            counter.update(v for v in value if v in practices)
        result["practices"] = [
            {"practice": practices[pk], "count": count}
            for pk, count in sorted(counter.items(), key=lambda i: (-i[1], practices[i[0]].title))
        ]
    result["is_text"] = kind in TEXT_TYPES
    return result


def build_results(worksheet):
    rows = list(worksheet.get_form_fields())
    questions = [q for q in rows if not q.is_section]
    all_submissions = load_submissions(worksheet)
    submitted = [s for s in all_submissions if s.status == SubmissionStatus.SUBMITTED]
    practices = load_practices(questions, submitted)
    blocks = []
    for row in rows:
        if row.is_section:
            blocks.append({"section": row})
        else:
            blocks.append(question_results(row, submitted, practices))
    return {
        "progress": progress(worksheet, all_submissions),
        "blocks": blocks,
        "submissions": submitted,
        "questions": questions,
    }


def export_rows(worksheet):
    """(headings, rows) of every participant's answers, drafts included and marked."""
    questions = worksheet.get_question_rows()
    submissions = load_submissions(worksheet)
    practices = load_practices(questions, submissions)
    headings = [
        _("Participant"),
        _("Organisation"),
        _("Region"),
        _("Country"),
        _("Status"),
        _("Last saved"),
        _("Submitted on"),
    ] + [q.label for q in questions]
    rows = []
    for s in submissions:
        inv = s.invitation
        region = inv.region if inv else None
        rows.append(
            [
                s.participant_name,
                inv.organisation.name if inv and inv.organisation else "",
                region.name if region else "",
                region.country.name if region else "",
                s.get_status_display(),
                s.updated_at,
                s.submitted_at,
            ]
            + [display_answer(q, s.form_data.get(q.clean_name), practices) for q in questions]
        )
    return headings, rows


def report_data(worksheet):
    report = RecommendationsReport.objects.filter(worksheet=worksheet).first()
    quotes = []
    if report is not None:
        questions = {q.clean_name: q for q in worksheet.get_question_rows()}
        selected = list(
            QuotedAnswer.objects.filter(
                report=report, submission__status=SubmissionStatus.SUBMITTED
            )
            .select_related(
                "submission__invitation__organisation", "submission__invitation__region"
            )
            .order_by("submission__invitation__name")
        )
        practices = load_practices(questions.values(), [q.submission for q in selected])
        by_question = {}
        for quote in selected:
            question = questions.get(quote.field_name)
            if question is None:
                continue
            text = display_answer(
                question, quote.submission.form_data.get(quote.field_name), practices
            )
            if text:
                by_question.setdefault(quote.field_name, []).append(
                    {
                        "participant": quote.submission.invitation
                        or {"name": ANONYMOUS_PARTICIPANT},
                        "text": text,
                    }
                )
        quotes = [
            {"question": questions[name], "answers": by_question[name]}
            for name in questions
            if name in by_question
        ]
    synthesis = render_markdown(report.synthesis, shift_headings=1) if report else ""
    return {
        "report": report,
        "synthesis_html": synthesis,
        "quotes": quotes,
        "recommendations": list(
            report.recommendations.select_related("addressed_region", "addressed_organisation")
        )
        if report
        else [],
        **event_facts(worksheet.event),
    }
