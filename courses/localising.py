"""Which language a learner reads a course in, and its texts with the deployment's names."""

from __future__ import annotations

from dataclasses import dataclass

from courses.placeholders import fill_placeholders

FALLBACK_LANGUAGE = "fr"


def pick_language(preferred: str, languages: list[str]) -> str:
    """The learner's language when the version has it, else French, else its first language."""
    if preferred in languages:
        return preferred
    return FALLBACK_LANGUAGE if FALLBACK_LANGUAGE in languages else languages[0]


@dataclass(frozen=True)
class Localiser:
    """Picks one language from a {language: text} field and fills its placeholders."""

    preferred: str
    names: dict[str, str]

    def pick(self, texts: dict[str, str]) -> str:
        """The raw text (Markdown, say) in the best language, placeholders left in."""
        return texts[pick_language(self.preferred, list(texts))] if texts else ""

    def __call__(self, texts: dict[str, str]) -> str:
        return fill_placeholders(self.pick(texts), self.names)
