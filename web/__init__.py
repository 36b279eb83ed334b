"""What every Stacks screen shares: the staff console on the server and the local screens of the edge agents
(kiosk, handheld), which must work with the server down. Templates and components (Jinja2 macros), one
stylesheet, vendored htmx with its Server-Sent Events extension, the gettext catalogs (Vietnamese first,
English), Babel formatting, hashed static files and security headers. docs/web.md shows how a screen is
built from it. `web` imports neither `server`, `edge`, `devices` nor `stacks`.
"""

from __future__ import annotations

from web.assets import WEB_STATIC, StaticAssets
from web.catalogs import N_, translate, translations
from web.components import Flash, Tone
from web.locales import DEFAULT_LANGUAGE, LANGUAGES, Language, language_urls, pick_locale
from web.security import SECURITY_HEADERS, SecurityHeadersMiddleware
from web.templating import Templates, make_environment

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "SECURITY_HEADERS",
    "WEB_STATIC",
    "Flash",
    "Language",
    "SecurityHeadersMiddleware",
    "StaticAssets",
    "Templates",
    "Tone",
    "language_urls",
    "make_environment",
    "pick_locale",
    "translate",
    "translations",
]
