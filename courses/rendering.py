"""Lesson and guide Markdown to safe HTML: no raw HTML, sanitised, images from the media route."""

from __future__ import annotations

from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from courses.placeholders import fill_placeholders

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str, names: dict[str, str], media_url: Callable[[str], str]) -> Markup:
    """`media_url` turns a pack image name ("phishing.svg") into the address that serves it."""
    tokens = _MARKDOWN.parse(fill_placeholders(text, names))
    for token in tokens:
        for child in token.children or []:
            source = str(child.attrs.get("src", "")) if child.type == "image" else ""
            if source.startswith("media/"):
                child.attrSet("src", media_url(source.removeprefix("media/")))
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


def split_title(text: str) -> tuple[str, str]:
    """A leading "# Title" line and the rest; the title is "" when the text has none."""
    first, _, rest = text.partition("\n")
    if first.startswith("# "):
        return first.removeprefix("# ").strip(), rest
    return "", text
