"""The portal's one PDF engine (xhtml2pdf): a template rendered to HTML, then to PDF.

Every downloadable PDF (the peer-review report, a practice) has one template of its own
made for the engine (xhtml2pdf reads CSS 2.1 and its own ``@frame`` rules) and goes through
``render_pdf``; no view talks to the engine itself.
"""

import io

from django.http import HttpResponse
from django.template.loader import render_to_string


class PDFError(ValueError):
    """The engine could not make a PDF of the HTML."""


def html_to_pdf(html):
    """PDF bytes from HTML; raises PDFError when the conversion fails."""
    from xhtml2pdf import pisa

    buffer = io.BytesIO()
    result = pisa.CreatePDF(html, dest=buffer, encoding="utf-8")
    if result.err:
        raise PDFError("PDF conversion failed")
    return buffer.getvalue()


def render_pdf(template_name, context, request=None):
    """PDF bytes of ``template_name`` rendered with ``context``; raises PDFError."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def pdf_response(pdf, filename):
    """An attachment download of PDF bytes."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
