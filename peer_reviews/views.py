"""The worksheet's routes: the participant's form (personal link or account), and the
organisers' pages (participants, results, exports, report). Every private response is marked
uncacheable and unindexable."""

import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.database import DATABASE_UNAVAILABLE
from portal.exports import to_csv
from portal.formats import format_datetime
from portal.parsing import parse_id
from portal.pdf import PDFError, pdf_response, render_pdf

from . import exports
from .models import Invitation, QuotedAnswer, RecommendationsReport
from .organiser_forms import InvitationForm, ReportForm
from .permissions import can_manage, can_read_answers
from .personal_data import erase_participants, participant_record
from .results import build_results, event_facts, export_rows, report_data
from .services import invitation_for_token, invitation_for_user, personal_url

logger = logging.getLogger(__name__)


def _private(response, *, token_page=False, indexable=False):
    """No cache may keep the response. Search engines index only ``indexable`` ones: the
    worksheet as an anonymous visitor sees it (its questions and how to take part), never a
    personal link or a participant's answers."""
    response["Cache-Control"] = "private, no-store"
    if not indexable:
        response["X-Robots-Tag"] = "noindex, nofollow"
    if token_page:
        # The personal link must not leak to other sites through the Referer header ("no-referrer"
        # would make browsers send "Origin: null" and fail the CSRF check).
        response["Referrer-Policy"] = "same-origin"
    return response


def _login_url():
    return getattr(settings, "PORTAL_LOGIN_URL", None) or reverse("wagtailadmin_login")


def _require(request, worksheet, check):
    """None when allowed; otherwise the sign-in redirect (anonymous) or PermissionDenied."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), _login_url())
    if not check(request.user, worksheet):
        raise PermissionDenied
    return None


def _deadline_text(worksheet):
    """ "2. Dezember 2027, 17:20 Mitteleuropäische Zeit": date, time and the zone's name, in
    the reader's language (messages end it with their own full stop)."""
    return format_datetime(worksheet.deadline, with_zone=True)


def _disable(form):
    """Read-only display that still shows submitted data (``Field.disabled`` would show the
    initial values instead of what the participant typed)."""
    for field in form.fields.values():
        field.widget.attrs["disabled"] = True
    return form


PROBLEM_STATUS = {"unknown": 404, "revoked": 403, "not_invited": 403, "anonymous": 200}


def worksheet(page, request, token=None):
    invitation, problem = None, None
    if token is not None:
        invitation = invitation_for_token(page, token)
        if invitation is None:
            problem = "unknown"
        elif invitation.is_revoked:
            problem = "revoked"
    elif request.user.is_authenticated:
        invitation = invitation_for_user(page, request.user)
        if invitation is None:
            problem = "not_invited"
    else:
        problem = "anonymous"

    context = page.get_context(request)
    context.update(
        invitation=invitation,
        problem=problem,
        closed=not page.is_open,
        deadline_text=_deadline_text(page),
        action_url=request.path,
        submission=None,
        can_read_answers=request.user.is_authenticated and can_read_answers(request.user, page),
        login_url=_login_url(),
    )
    posted = request.method == "POST"
    status = 200

    if problem:
        status = PROBLEM_STATUS[problem]
        if problem == "not_invited" and context["can_read_answers"]:
            status = 200
        if posted:
            # Nothing typed is lost: show the answers back (read-only) with what to do.
            context["form"] = _disable(page.get_form(request.POST, page=page, draft=True))
            context["unsaved"] = True
            status = max(status, 403)
        context["indexable"] = problem == "anonymous" and not posted
        return _private(
            TemplateResponse(request, page.get_template(request), context, status=status),
            token_page=token is not None,
            indexable=context["indexable"],
        )

    submission = page.get_submissions().filter(invitation=invitation).first()
    context["submission"] = submission
    initial = submission.form_data if submission else None

    if not page.is_open:
        if posted:
            form = page.get_form(request.POST, page=page, draft=True)
            context["unsaved"] = True
            status = 403
        else:
            form = page.get_form(page=page, initial=initial)
        context["form"] = _disable(form)
        return _private(
            TemplateResponse(request, page.get_template(request), context, status=status),
            token_page=token is not None,
        )

    if posted:
        already_submitted = submission is not None and submission.is_submitted
        submit = request.POST.get("action") != "draft" or already_submitted
        form = page.get_form(request.POST, page=page, user=request.user, draft=not submit)
        if form.is_valid():
            try:
                submission = page.process_form_submission(
                    form, invitation=invitation, submit=submit
                )
            except DATABASE_UNAVAILABLE:
                # Locked past the busy timeout, read-only, or the server gone: say so and give
                # the answers back in the form, so a second click saves them.
                logger.warning("Worksheet answers not saved: the database refused the write")
                context.update(form=form, not_saved=True)
                return _private(
                    TemplateResponse(request, page.get_template(request), context, status=503),
                    token_page=token is not None,
                )
            if submit:
                return _private(
                    page.render_landing_page(request, submission, return_url=request.path),
                    token_page=token is not None,
                )
            messages.success(
                request,
                _(
                    "Your draft is saved. Come back with the same link to finish it, "
                    "until %(deadline)s."
                )
                % {"deadline": _deadline_text(page)},
            )
            return _private(redirect(request.path), token_page=token is not None)
        messages.error(
            request,
            _(
                "Some answers need your attention (marked below). "
                "Everything you typed is still here."
            ),
        )
        status = 200
    else:
        form = page.get_form(page=page, user=request.user, initial=initial)
    context["form"] = form
    return _private(
        TemplateResponse(request, page.get_template(request), context, status=status),
        token_page=token is not None,
    )


def preview(page, request, mode_name):
    if mode_name == "landing":
        return page.render_landing_page(request)
    context = page.get_context(request)
    context.update(
        form=page.get_form(page=page),
        preview=True,
        closed=False,
        deadline_text=_deadline_text(page),
        action_url="",
        problem=None,
    )
    return TemplateResponse(request, page.get_template(request), context)


def _organiser_context(page, request, **extra):
    context = page.get_context(request)
    context.update(can_manage=can_manage(request.user, page), **extra)
    return context


def results(page, request):
    denied = _require(request, page, can_read_answers)
    if denied:
        return denied
    context = _organiser_context(
        page, request, results=build_results(page), facts=event_facts(page.event)
    )
    return _private(TemplateResponse(request, "peer_reviews/results.html", context))


def export(page, request, fmt):
    denied = _require(request, page, can_read_answers)
    if denied:
        return denied
    headings, rows = export_rows(page)
    stem = f"{page.slug}-answers-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(to_csv(headings, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_xlsx(headings, rows, page.title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return _private(response)


def _send_invitation(request, page, invitation):
    worksheets = [
        w for w in page.get_parent().get_children().live().specific() if hasattr(w, "deadline")
    ]
    links = "\n".join(
        "- "
        + _("%(worksheet)s (until %(deadline)s): %(url)s")
        % {
            "worksheet": w.title,
            "deadline": _deadline_text(w),
            "url": personal_url(w, invitation, request),
        }
        for w in worksheets
    )
    body = _(
        "Dear %(name)s,\n\nyou are invited to the peer review of %(event)s. Your personal links "
        "(keep them to yourself: anyone with a link can answer in your name):\n\n%(links)s\n\n"
        "You can save a draft and come back with the same link, and change your answers until "
        "the deadline.\n"
    ) % {"name": invitation.name, "event": page.get_parent().title, "links": links}
    send_mail(
        _("Peer review: %(event)s") % {"event": page.get_parent().title},
        body,
        None,
        [invitation.email],
    )


def _event_invitation(event, raw):
    """The invitation to ``event`` whose id is ``raw`` (text from a URL or a form), else 404."""
    pk = parse_id(raw)
    invitation = None
    if pk is not None:
        invitation = (
            Invitation.objects.filter(event=event, pk=pk)
            .select_related("organisation", "region", "user")
            .first()
        )
    if invitation is None:
        raise Http404(_("No such participant in this event."))
    return invitation


def participants(page, request):
    denied = _require(request, page, can_manage)
    if denied:
        return denied
    event = page.get_parent()
    form = InvitationForm(event=event)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "invite":
            form = InvitationForm(request.POST, event=event)
            if form.is_valid():
                with transaction.atomic():
                    invitation = form.save(commit=False)
                    invitation.invited_by = request.user
                    invitation.save()
                if invitation.email:
                    _send_invitation(request, page, invitation)
                messages.success(request, _("%(name)s is invited.") % {"name": invitation.name})
                return _private(redirect(request.path))
        elif action in ("revoke", "renew", "send"):
            invitation = _event_invitation(event, request.POST.get("invitation"))
            if action == "revoke":
                invitation.revoke()
                messages.success(
                    request,
                    _("The personal link of %(name)s no longer works.") % {"name": invitation.name},
                )
            elif action == "renew":
                invitation.renew()
                messages.success(
                    request, _("%(name)s has a new personal link.") % {"name": invitation.name}
                )
            if action in ("renew", "send") and invitation.email and not invitation.is_revoked:
                _send_invitation(request, page, invitation)
            return _private(redirect(request.path))
        else:
            messages.error(request, _("Unknown action."))
    invitations = list(
        Invitation.objects.filter(event=event).select_related("organisation", "region", "user")
    )
    statuses = {s.invitation_id: s for s in page.get_submissions()}
    rows = [
        {
            "invitation": inv,
            "submission": statuses.get(inv.pk),
            "link": personal_url(page, inv, request),
        }
        for inv in invitations
    ]
    context = _organiser_context(page, request, form=form, rows=rows)
    return _private(TemplateResponse(request, "peer_reviews/participants.html", context))


def report(page, request):
    denied = _require(request, page, can_read_answers)
    if denied:
        return denied
    context = _organiser_context(page, request, **report_data(page))
    return _private(TemplateResponse(request, "peer_reviews/report.html", context))


def report_edit(page, request):
    denied = _require(request, page, can_manage)
    if denied:
        return denied
    built = build_results(page)
    quotable = []
    for block in built["blocks"]:
        for answer in block.get("answers", []):
            answer["key"] = f"{answer['submission'].pk}:{block['question'].clean_name}"
            quotable.append(answer["key"])
    report_obj = RecommendationsReport.objects.filter(worksheet=page).first()
    selected = []
    if report_obj:
        selected = [f"{q.submission_id}:{q.field_name}" for q in report_obj.quotes.all()]
    if request.method == "POST":
        form = ReportForm(request.POST, quotable=quotable)
        if form.is_valid():
            with transaction.atomic():
                report_obj, _created = RecommendationsReport.objects.update_or_create(
                    worksheet=page,
                    defaults={
                        "synthesis": form.cleaned_data["synthesis"],
                        "updated_by": request.user,
                    },
                )
                report_obj.quotes.all().delete()
                QuotedAnswer.objects.bulk_create(
                    [
                        QuotedAnswer(
                            report=report_obj,
                            submission_id=int(key.split(":", 1)[0]),
                            field_name=key.split(":", 1)[1],
                        )
                        for key in form.cleaned_data["quotes"]
                    ]
                )
            messages.success(request, _("The report is saved."))
            return _private(redirect(page.url + page.reverse_subpage("report_edit")))
        messages.error(
            request, _("The report could not be saved; see below. Nothing you wrote is lost.")
        )
    else:
        form = ReportForm(
            initial={"synthesis": report_obj.synthesis if report_obj else "", "quotes": selected},
            quotable=quotable,
        )
    chosen = set(form["quotes"].value() or [])
    context = _organiser_context(page, request, form=form, results=built, chosen=chosen)
    return _private(TemplateResponse(request, "peer_reviews/report_edit.html", context))


def report_pdf(page, request):
    denied = _require(request, page, can_read_answers)
    if denied:
        return denied
    context = {"page": page, "request": request, "generated": timezone.now(), **report_data(page)}
    try:
        pdf = render_pdf("peer_reviews/report_pdf.html", context, request=request)
    except PDFError:
        messages.error(request, _("The PDF could not be made; print the report page instead."))
        return redirect(page.url + page.reverse_subpage("report"))
    return _private(pdf_response(pdf, f"{page.slug}-report.pdf"))


def participant_data(page, request, invitation_id):
    """Everything stored about one participant, as a JSON download (their right of access
    and to portability)."""
    denied = _require(request, page, can_manage)
    if denied:
        return denied
    invitation = _event_invitation(page.get_parent(), invitation_id)
    record = participant_record(invitation, request)
    response = HttpResponse(
        json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stem = f"participant-{invitation.pk}-{timezone.localdate():%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
    return _private(response)


ERASE_CHOICES = {"anonymise": True, "delete": False}


def participant_erase(page, request, invitation_id):
    """Erase one participant after confirmation: the invitation and drafts go; submitted
    answers are kept without identity or deleted, as the organiser chooses."""
    denied = _require(request, page, can_manage)
    if denied:
        return denied
    invitation = _event_invitation(page.get_parent(), invitation_id)
    participants_url = page.url + page.reverse_subpage("participants")
    submissions = list(invitation.submissions.select_related("page"))
    error = None
    if request.method == "POST":
        choice = request.POST.get("answers")
        if choice in ERASE_CHOICES:
            name = invitation.name
            counts = erase_participants(
                Invitation.objects.filter(pk=invitation.pk), keep_answers=ERASE_CHOICES[choice]
            )
            if counts["anonymised"]:
                message = _(
                    "%(name)s is erased; their submitted answers are kept without their name."
                )
            else:
                message = _("%(name)s is erased with their answers.")
            messages.success(request, message % {"name": name})
            return _private(redirect(participants_url))
        error = _("Choose what happens to the answers.")
    context = _organiser_context(
        page,
        request,
        invitation=invitation,
        submissions=submissions,
        submitted=sum(1 for s in submissions if s.is_submitted),
        choice=request.POST.get("answers", ""),
        error=error,
        participants_url=participants_url,
    )
    return _private(
        TemplateResponse(
            request,
            "peer_reviews/participant_erase.html",
            context,
            status=400 if error else 200,
        )
    )
