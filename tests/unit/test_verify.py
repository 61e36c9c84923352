"""The final PDF check reads WeasyPrint's compressed object streams, not only plain text."""

from __future__ import annotations

import pytest
from weasyprint import HTML, Attachment

from exporter.guard.verify import VerifyError, check_pdf


def _pdf(**options) -> bytes:
    return HTML(string="<title>About /JS (and /Launch)</title><p>Text</p>").write_pdf(**options)


def test_a_plain_weasyprint_pdf_passes_even_when_its_title_names_a_forbidden_key():
    data = _pdf()
    assert b"/ObjStm" in data  # the dictionaries are compressed: the check must unpack them
    check_pdf(data)


def test_an_attachment_inside_an_object_stream_is_caught():
    data = _pdf(attachments=[Attachment(string="secret", base_url=".")])
    assert b"/EmbeddedFiles" not in data  # invisible to a plain byte search
    with pytest.raises(VerifyError, match="EmbeddedFile"):
        check_pdf(data)
