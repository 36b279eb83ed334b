"""Static files under content-hashed names, so that browsers may keep them for a year.

    assets = StaticAssets(WEB_STATIC, prefix="/static")
    assets.url("css/stacks.css")        # "/static/css/stacks.3f2a1b9c0d4e.css"
    Mount("/static", app=assets)         # serves both names

A file's hashed name changes with its content: that name is served with `Cache-Control: public,
max-age=31536000, immutable`; its plain name is served with `no-cache` (revalidated by ETag every time); a
hashed name whose hash is not the file's current one is not found. Hashes are taken once, when the app is
built: restart (or rebuild the app) after changing a file.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

WEB_STATIC = Path(__file__).resolve().parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
DIGEST_LENGTH = 12
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<suffix>\.[A-Za-z0-9]+)$")


def hashed_name(path: str, digest: str) -> str:
    """css/stacks.css → css/stacks.<digest>.css (the digest goes before the last suffix)."""
    pure = PurePosixPath(path)
    return str(pure.with_name(f"{pure.stem}.{digest}{pure.suffix}"))


def split_hashed(path: str) -> tuple[str, str | None]:
    """The plain name and digest of a hashed name; a plain name comes back with no digest."""
    match = _HASHED.match(path)
    if match is None:
        return path, None
    return match["stem"] + match["suffix"], match["digest"]


def file_digests(*directories: Path) -> dict[str, str]:
    """Every file's content digest by its path relative to its directory; an earlier directory wins."""
    digests: dict[str, str] = {}
    for directory in directories:
        for file in sorted(directory.rglob("*")):
            relative = file.relative_to(directory).as_posix()
            if file.is_file() and not file.name.startswith(".") and relative not in digests:
                digests[relative] = hashlib.sha256(file.read_bytes()).hexdigest()[:DIGEST_LENGTH]
    return digests


class StaticAssets(StaticFiles):
    """A Starlette static-files app over one or more directories (the first holding a name wins), serving
    each file under its content-hashed name as well as its plain one."""

    def __init__(self, *directories: Path, prefix: str = "/static") -> None:
        if not directories:
            raise ValueError("StaticAssets needs at least one directory")
        super().__init__(directory=directories[0])
        self.all_directories = list(directories)
        self.prefix = prefix.rstrip("/")
        self.digests = file_digests(*directories)

    def url(self, path: str) -> str:
        """The cache-busting URL of a static file; an unknown file is an error, not a broken link."""
        digest = self.digests.get(path)
        if digest is None:
            raise LookupError(f"no static file {path!r}")
        return f"{self.prefix}/{hashed_name(path, digest)}"

    async def get_response(self, path: str, scope: Scope) -> Response:
        plain, digest = split_hashed(PurePosixPath(path).as_posix())
        if digest is None:
            response = await super().get_response(path, scope)
            response.headers["cache-control"] = REVALIDATE
            return response
        if self.digests.get(plain) != digest:
            raise HTTPException(status_code=404)
        response = await super().get_response(plain, scope)
        response.headers["cache-control"] = IMMUTABLE
        return response
