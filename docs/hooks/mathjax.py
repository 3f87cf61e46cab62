"""MkDocs hook: serve MathJax from the built site, never from a CDN.

MathJax is an npm dependency pinned in ``package.json`` / ``package-lock.json``
and installed with ``npm ci`` into ``node_modules/`` (never committed). After each
build this hook copies the files the page needs into ``<site_dir>/assets/mathjax/``,
where ``mkdocs.yml`` references them through ``extra_javascript``.

The SVG output is used: its glyphs are part of the JavaScript, so no web fonts are
fetched. ``tex-svg-full.js`` already contains every TeX extension, so nothing is
autoloaded; the components the MathJax menu can load on demand (accessibility,
speech maps) are copied too, so they also work offline.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.mathjax")

ENTRY = "tex-svg-full.js"
"""The MathJax combined component that ``mkdocs.yml`` loads."""

TARGET = "assets/mathjax"
"""Where, relative to the site directory, the MathJax files are copied."""

# Paths relative to node_modules/mathjax/es5, copied to TARGET with the same layout
# (MathJax finds lazily loaded components relative to the entry script's URL).
COPY = (
    ENTRY,
    "a11y",  # assistive MathML, explorer, semantic enrichment (menu options)
    "sre",  # speech-rule-engine maps used by the explorer
    "ui",  # the context menu and lazy typesetting
    "input/tex/extensions",  # `\require{...}` targets
)


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _mathjax_dir(config: MkDocsConfig) -> Path:
    """Return node_modules/mathjax, checking it is installed at the pinned version."""
    root = _root(config)
    package = root / "node_modules" / "mathjax"
    hint = f"Run `npm ci` (or `npm install`) in {root} to install MathJax, then build again."
    manifest = package / "package.json"
    if not manifest.is_file():
        raise PluginError(f"MathJax is not installed: {package} is missing. {hint}")
    installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    try:
        wanted = json.loads((root / "package.json").read_text(encoding="utf-8"))
        pinned = wanted["dependencies"]["mathjax"]
    except (OSError, KeyError, ValueError):
        pinned = installed
    if installed != pinned:
        raise PluginError(
            f"node_modules has MathJax {installed} but package.json pins {pinned}. {hint}"
        )
    missing = [name for name in COPY if not (package / "es5" / name).exists()]
    if missing:
        raise PluginError(f"MathJax install in {package} lacks es5/{missing[0]}. {hint}")
    return package


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Fail before building anything when MathJax is not installed."""
    _mathjax_dir(config)
    return config


def on_post_build(config: MkDocsConfig) -> None:
    """Copy the MathJax files into the built site."""
    source = _mathjax_dir(config) / "es5"
    target = Path(config.site_dir) / TARGET
    for name in COPY:
        src, dst = source / name, target / name
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    license_file = source.parent / "LICENSE"
    if license_file.is_file():
        shutil.copy2(license_file, target / "LICENSE")
    log.info("Copied MathJax %s into %s", _version(source.parent), target)


def _version(package: Path) -> str:
    return json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
