"""The pack checker's vocabulary: a problem at a file and line, and the checks every file shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from courses.placeholders import unknown_placeholders
from courses.yamlfile import Mapping


@dataclass(frozen=True, order=True)
class PackProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _quoted(names) -> str:
    return ", ".join(str(name) for name in names)


@dataclass
class Checker:
    """Collects the problems of one pack; `prefix` places its files in the checked tree."""

    prefix: str
    languages: list[str] = field(default_factory=list)
    problems: list[PackProblem] = field(default_factory=list)

    def add(self, path: str, line: int, message: str) -> None:
        self.problems.append(PackProblem(self.prefix + path, max(line, 1), message))

    def keys(
        self,
        path: str,
        value: object,
        what: str,
        required: tuple,
        optional: tuple = (),
        line: int = 1,
    ) -> bool:
        """A mapping with every required key and no unknown one; False when not a mapping."""
        if not isinstance(value, Mapping):
            self.add(path, line, f"{what} : une table « clé: valeur » est attendue")
            return False
        for key in value:
            if key not in required and key not in optional:
                self.add(
                    path,
                    value.line_of(key),
                    f"{what} : clé inconnue « {key} » (clés possibles : "
                    f"{_quoted(required + optional)})",
                )
        for key in required:
            if key not in value:
                self.add(path, value.line, f"{what} : clé obligatoire absente « {key} »")
        return True

    def text(self, path: str, line: int, value: object, what: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.add(path, line, f"{what} : un texte non vide est attendu")
            return None
        self.placeholders(path, line, value)
        return value.strip()

    def translations(self, path: str, line: int, value: object, what: str) -> dict[str, str]:
        """A text in every declared language, and only in those."""
        if not isinstance(value, Mapping):
            self.add(
                path,
                line,
                f'{what} : un texte par langue est attendu, par exemple {{ fr: "..." }}',
            )
            return {}
        result = {}
        for language, text in value.items():
            where = value.line_of(language)
            if language not in self.languages:
                declared = _quoted(self.languages)
                self.add(
                    path,
                    where,
                    f"{what} : langue « {language} » non déclarée dans languages ({declared})",
                )
                continue
            checked = self.text(path, where, text, f"{what} ({language})")
            if checked is not None:
                result[language] = checked
        for language in self.languages:
            if language not in value:
                self.add(path, value.line, f"{what} : traduction « {language} » manquante")
        return result

    def integer(
        self,
        path: str,
        line: int,
        value: object,
        what: str,
        minimum: int,
        maximum: int | None = None,
        nullable: bool = False,
    ) -> int | None:
        if value is None and nullable:
            return None
        in_range = (
            isinstance(value, int)
            and not isinstance(value, bool)
            and value >= minimum
            and (maximum is None or value <= maximum)
        )
        if not in_range:
            bounds = f"entre {minimum} et {maximum}" if maximum is not None else f"≥ {minimum}"
            empty = " ou null" if nullable else ""
            self.add(path, line, f"{what} : un nombre entier {bounds}{empty} est attendu")
            return None
        return value  # type: ignore[return-value]

    def choice(self, path: str, line: int, value: object, what: str, allowed: tuple) -> str | None:
        if value not in allowed:
            self.add(path, line, f"{what} : « {value} » n'est pas permis ({_quoted(allowed)})")
            return None
        return str(value)

    def placeholders(self, path: str, line: int, text: str) -> None:
        for name in unknown_placeholders(text):
            self.add(path, line, f"espace réservé inconnu {{{{{name}}}}}")
