"""The web app: ES-module pages with no build step, served by the API server at `/`.

`web_app()` is a small Starlette app mounted beside the API (see `api/app.py`): `WEB_PREFIXES`
go to it, everything else to the API's gateway. Pages are one HTML shell (`static/index.html`);
scripts and styles live under `/static/<version>/`, where the version is a hash of the files, so
they are cached for good and a new release is a new path.
"""

from nexatron.web.app import WEB_PREFIXES, is_web_path, web_app

__all__ = ["WEB_PREFIXES", "is_web_path", "web_app"]
