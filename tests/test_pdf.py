"""The PDFs' renderer (backend/pdf.py): the collector paused only while a document is laid out."""

import gc

import pytest
import weasyprint

from backend.pdf import pdf_from_html


@pytest.fixture
def layout_sees(monkeypatch):
    """Record whether the collector ran while WeasyPrint laid the document out (the real layout, then)."""
    seen: list[bool] = []
    real = weasyprint.HTML.write_pdf

    def write_pdf(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
    return seen


def test_the_collector_waits_while_the_document_is_laid_out_and_runs_again_after(layout_sees):
    pdf = pdf_from_html("<p>Page one</p>")
    assert pdf.startswith(b"%PDF")
    assert layout_sees == [False]
    assert gc.isenabled()


def test_the_collector_runs_again_when_the_layout_fails(monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    with pytest.raises(RuntimeError, match="layout failed"):
        pdf_from_html("<p>Page one</p>")
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_stays_paused_for_them(layout_sees):
    gc.disable()
    try:
        pdf_from_html("<p>Page one</p>")
        assert layout_sees == [False]
        assert not gc.isenabled()
    finally:
        gc.enable()
