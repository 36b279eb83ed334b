"""The collection-care configuration files, read strictly and turned into the domain's settings.

- `config/lifecycle.toml` → `server.domain.lifecycle.settings.LifecycleSettings` (`load_lifecycle`)
- `config/weeding.toml` → `server.domain.weeding.settings.WeedingSettings` (`load_weeding`)

Both are read by `contract.config_files` into pydantic models that refuse unknown keys and unconverted
values; a bad file raises `server.errors.ConfigurationError` naming the file and, for each problem, the
line and the key (a TOML syntax error: the line). docs/collection.md describes every setting.
"""

from server.collection_config.lifecycle import LIFECYCLE_FILE, load_lifecycle, parse_lifecycle
from server.collection_config.weeding import WEEDING_FILE, load_weeding, parse_weeding

__all__ = [
    "LIFECYCLE_FILE",
    "WEEDING_FILE",
    "load_lifecycle",
    "load_weeding",
    "parse_lifecycle",
    "parse_weeding",
]
