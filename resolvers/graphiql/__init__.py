"""GraphiQL served by the application itself: the page at GET /graphql and its scripts and styles
at /graphql/static/, so it works on a network without the internet (see static/README.md)."""

from __future__ import annotations

import os
from pathlib import Path
from string import Template

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import ASGIApp, Scope

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
STATIC_PATH = "/graphql/static"
# The versions are in the names, so a browser may keep each file for a year.
FILES = {
    "graphiql_js": "graphiql-4.1.2.min.js",
    "graphiql_css": "graphiql-4.1.2.min.css",
    "react_js": "react-18.3.1.production.min.js",
    "react_dom_js": "react-dom-18.3.1.production.min.js",
    # The page's own script and styles (files, for the Content-Security-Policy): change the number with them.
    "page_js": "jianguan-page-1.js",
    "page_css": "jianguan-page-1.css",
}
LONG_CACHE = "public, max-age=31536000, immutable"


def page_html() -> str:
    template = Template((HERE / "page.html").read_text(encoding="utf-8"))
    return template.substitute(static=STATIC_PATH, **FILES)


class _VersionedFiles(StaticFiles):
    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if Path(full_path).name in FILES.values():
            response.headers["Cache-Control"] = LONG_CACHE
        return response


def static_app() -> ASGIApp:
    """The files, gzipped on the way out (GraphiQL's script is 1 MB, 0.3 MB compressed)."""
    return GZipMiddleware(_VersionedFiles(directory=STATIC_DIR), minimum_size=1024)


__all__ = ["FILES", "STATIC_PATH", "page_html", "static_app"]
