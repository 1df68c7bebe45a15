"""HTML to PDF with WeasyPrint, fetching nothing from the network: the annual report and case-file copies."""

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse

# The address the documents' relative links are read against. It is never fetched: the fetcher below
# answers its /static/ files from this server's own files and refuses everything else.
BASE_URL = "https://heard.invalid/"


class PdfUnavailable(Exception):
    """WeasyPrint cannot run here: the operating system lacks Pango."""


def _static_path(url: str) -> str | None:
    """The file on disk for one of Heard's own static files at BASE_URL, or None."""
    parts = urlsplit(url)
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(static_prefix):
        return None
    found = finders.find(unquote(parts.path.removeprefix(static_prefix)))
    return str(found) if isinstance(found, str) else None


def local_only_fetcher(url: str, *args: object, **kwargs: object) -> dict:
    """Give WeasyPrint Heard's own static files and data: URLs; refuse anything remote (it logs and goes on).

    A child's words may hold an address: nothing in them may make the server call out.
    """
    from weasyprint import default_url_fetcher  # noqa: PLC0415 (only ever called by WeasyPrint, loaded by then)

    if url.startswith("data:"):
        return default_url_fetcher(url)
    path = _static_path(url)
    if path is None:
        raise ValueError(f"Heard's PDFs fetch nothing from elsewhere: {url[:80]}")
    return default_url_fetcher(Path(path).as_uri())


def pdf_from_html(html: str, *, stylesheets: Sequence[Path] = ()) -> bytes:
    """Render a page of HTML, with these stylesheets from disk, as PDF bytes."""
    try:
        # Loaded here, not at the top: WeasyPrint loads Pango from the operating system (0.8 s, and an
        # OSError where Pango is missing), which only the PDFs need.
        from weasyprint import CSS, HTML  # noqa: PLC0415
    except OSError as exc:
        raise PdfUnavailable(
            "PDF is not available on this server: install Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0)."
        ) from exc
    sheets = [CSS(filename=str(path), url_fetcher=local_only_fetcher) for path in stylesheets]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=local_only_fetcher)
    with collector_paused():
        return document.write_pdf(stylesheets=sheets)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one document's layout, and restore it after.

    WeasyPrint makes so many objects while it lays a document out that the collector ran about 200
    times for one annual report, twice scanning everything still alive: an eighth of the PDF's time
    (0.93 s to 0.79 s for the benchmark's council-size year). Reference counting still frees what the
    layout drops; the few cycles it leaves wait for the next collection, after the document.
    If another thread has paused it already, that thread restores it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pdf_attachment(pdf: bytes, filename: str) -> HttpResponse:
    """Answer with a PDF to save, never kept by a browser or proxy (the filename holds ids, never names)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def pdf_unavailable(problem: PdfUnavailable) -> HttpResponse:
    """Say plainly, as a 503, that this server cannot make PDFs."""
    return HttpResponse(str(problem), status=503, content_type="text/plain")
