"""The sheet's url_fetcher: only the project's static files, nothing from anywhere else."""

import base64
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from weasyprint.urls import URLFetcher

from intake import advice
from tests.support.advice import pdf_squashed

LEAK_CSS = 'p::after { content: "LEAKED" }'


def render(html: str, fetcher) -> str:
    """Render `html` with `fetcher` and return the page text, whitespace removed."""
    return pdf_squashed(advice.html_to_pdf(f"<p>sheet</p>{html}", url_fetcher=fetcher))


@pytest.fixture
def static_root(tmp_path) -> Path:
    root = tmp_path / "static"
    (root / "advice").mkdir(parents=True)
    (root / "advice" / "ok.css").write_text('p::after { content: "ALLOWED" }')
    return root


@pytest.fixture
def outside_css(tmp_path) -> Path:
    path = tmp_path / "outside" / "evil.css"
    path.parent.mkdir()
    path.write_text(LEAK_CSS)
    return path


def link(href: str) -> str:
    return f'<link rel="stylesheet" href="{href}">'


def test_it_serves_the_projects_own_static_files():
    fetcher = advice.StaticOnlyFetcher()
    sheet_css = Path(settings.STATICFILES_DIRS[0]) / "advice" / "sheet.css"
    assert fetcher.resolve(sheet_css.resolve().as_uri()) == sheet_css.resolve()
    response = fetcher.fetch(advice.static_base_url() + "advice/sheet.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_a_static_stylesheet_is_applied_and_one_outside_static_is_not(static_root, outside_css):
    fetcher = advice.StaticOnlyFetcher(roots=[static_root])
    text = render(link((static_root / "advice" / "ok.css").as_uri()), fetcher)
    assert "ALLOWED" in text
    # The control: WeasyPrint's own fetcher would have read the file outside static.
    assert "LEAKED" in render(link(outside_css.as_uri()), URLFetcher())
    assert "LEAKED" not in render(link(outside_css.as_uri()), fetcher)


def test_it_refuses_etc_passwd():
    fetcher = advice.StaticOnlyFetcher()
    with pytest.raises(advice.RefusedResource):
        fetcher.resolve("file:///etc/passwd")
    with pytest.raises(advice.RefusedResource):
        fetcher.fetch("file:///etc/passwd")
    text = render('<img src="file:///etc/passwd" alt="">' + link("file:///etc/passwd"), fetcher)
    assert "root:" not in text


@pytest.mark.parametrize(
    "relative",
    [
        "advice/../../outside/evil.css",
        "advice/%2e%2e/%2e%2e/outside/evil.css",
        "advice/../../static-evil/x.css",
    ],
)
def test_it_refuses_a_path_that_climbs_out_of_static(static_root, outside_css, relative):
    (static_root.parent / "static-evil").mkdir()
    (static_root.parent / "static-evil" / "x.css").write_text(LEAK_CSS)
    fetcher = advice.StaticOnlyFetcher(roots=[static_root])
    url = static_root.as_uri() + "/" + relative
    with pytest.raises(advice.RefusedResource):
        fetcher.resolve(url)
    assert "LEAKED" not in render(link(url), fetcher)


def test_it_refuses_a_symlink_inside_static_that_points_outside(static_root, outside_css):
    (static_root / "advice" / "link.css").symlink_to(outside_css)
    fetcher = advice.StaticOnlyFetcher(roots=[static_root])
    url = (static_root / "advice" / "link.css").as_uri()
    with pytest.raises(advice.RefusedResource):
        fetcher.resolve(url)
    assert "LEAKED" not in render(link(url), fetcher)


def test_it_refuses_a_file_url_naming_another_host():
    fetcher = advice.StaticOnlyFetcher()
    sheet = advice.static_base_url().replace("file://", "file://evil.example")
    with pytest.raises(advice.RefusedResource):
        fetcher.resolve(sheet + "advice/sheet.css")


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        type(self).hits.append(self.path)
        body = LEAK_CSS.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_it_never_opens_an_http_url(http_server):
    html = link(f"{http_server}/style.css") + f'<img src="{http_server}/pixel.png" alt="">'
    assert "LEAKED" in render(html, URLFetcher())  # the control: a real request is made
    control_hits = len(_Recorder.hits)
    assert control_hits >= 1
    assert "LEAKED" not in render(html, advice.StaticOnlyFetcher())
    assert len(_Recorder.hits) == control_hits
    with pytest.raises(advice.RefusedResource):
        advice.StaticOnlyFetcher().resolve("https://example.com/x.css")


@pytest.mark.parametrize("size", [0, 100, 2_000_000])
def test_it_refuses_data_uris_of_any_size(size):
    css = (LEAK_CSS + " " * size).encode()
    uri = "data:text/css;base64," + base64.b64encode(css).decode()
    assert "LEAKED" in render(link(uri), URLFetcher())  # the control
    fetcher = advice.StaticOnlyFetcher()
    started = time.perf_counter()
    with pytest.raises(advice.RefusedResource):
        fetcher.resolve(uri)
    assert time.perf_counter() - started < 0.05  # refused before any decoding
    assert "LEAKED" not in render(link(uri), fetcher)
    plain = "data:text/css," + quote(LEAK_CSS)
    assert "LEAKED" not in render(link(plain), fetcher)
