"""A template rendered to PDF bytes with xhtml2pdf, the engine of the peer-review report."""

import io

from django.template.loader import render_to_string


def render_pdf(template_name, context, request):
    """PDF bytes of ``template_name`` rendered with ``context``; raises ValueError when
    xhtml2pdf cannot convert the HTML."""
    from xhtml2pdf import pisa

    html = render_to_string(template_name, context, request=request)
    buffer = io.BytesIO()
    result = pisa.CreatePDF(html, dest=buffer, encoding="utf-8")
    if result.err:
        raise ValueError("PDF conversion failed")
    return buffer.getvalue()
