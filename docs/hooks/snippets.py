"""MkDocs hook: let the pages' executed code blocks import ``docs/snippets/``.

markdown-exec runs each ``exec="on"`` block inside the build process; the blocks
share small helpers (rendering a figure as inline SVG, a matrix as display math,
a REPL transcript) from ``docs/snippets/docs_helpers.py``. This hook puts that
directory on ``sys.path`` before any page is rendered, wherever ``mkdocs`` is run from.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Put ``<docs_dir>/snippets`` first on ``sys.path``."""
    snippets = str(Path(config.docs_dir).resolve() / "snippets")
    if snippets not in sys.path:
        sys.path.insert(0, snippets)
    return config
