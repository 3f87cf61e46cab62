"""MkDocs hook: turn Sphinx roles left in docstrings into cross-references.

symconv's NumPy-style docstrings use Sphinx roles (``:class:`~symconv.Layer```,
``:func:`symconv.export```), which numpydoc and Sphinx understand and Markdown
does not: mkdocstrings renders them as ``:class:<code>~symconv.Layer</code>``.
This hook rewrites each one, in the API pages' HTML, into an *optional*
mkdocs-autorefs reference: a link where the object is documented on the site,
plain code otherwise (never a warning). A leading ``~`` shows only the last
component of the name, as in Sphinx; a name without a dot is looked up in the
``symconv`` namespace.
"""

from __future__ import annotations

import html
import re
from typing import Any

ROLE = re.compile(
    r":(?:py:)?(?:class|attr|func|meth|data|mod|exc|obj|const):<code>(~?)([\w.]+)</code>"
)


def _reference(match: re.Match[str]) -> str:
    short, name = match.group(1) == "~", match.group(2)
    title = name.rsplit(".", 1)[-1] if short else name
    identifier = name if "." in name else f"symconv.{name}"
    return (f'<autoref identifier="{html.escape(identifier)}" optional>'
            f"<code>{html.escape(title)}</code></autoref>")


def on_page_content(html_text: str, **kwargs: Any) -> str:
    """Replace every ``:role:<code>name</code>`` of the page by an optional reference."""
    return ROLE.sub(_reference, html_text)
