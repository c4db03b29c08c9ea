"""Report periods (a year, a quarter or custom dates) and the as-of date of stock figures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from training import i18n
from training.i18n import _


@dataclass(frozen=True)
class Period:
    kind: str  # "year", "quarter" or "custom"
    start: date
    end: date  # inclusive
    as_of: date
    # The moment the figures were counted, when they were stored: no record after it counts,
    # so a stored dashboard and the lists behind it show the same people.
    moment: datetime | None = None

    @property
    def start_at(self) -> datetime:
        return _midnight(self.start)

    @property
    def stop_at(self) -> datetime:
        """Flows stop at the end of the period, or earlier at the as-of date."""
        return self._until(_midnight(min(self.end, self.as_of) + timedelta(days=1)))

    @property
    def as_of_at(self) -> datetime:
        """Stocks are read at the end of the as-of day."""
        return self._until(self.as_of_end)

    @property
    def as_of_end(self) -> datetime:
        return _midnight(self.as_of + timedelta(days=1))

    def _until(self, at: datetime) -> datetime:
        return min(at, self.moment) if self.moment else at

    @property
    def label(self) -> str:
        """The period in exports and audit details, the same in every language."""
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return f"T{(self.start.month - 1) // 3 + 1} {self.start.year}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def shown(self) -> str:
        """The period as the reader's language says it: "T3 2026", "1 janv. – 30 juin 2026"."""
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return i18n.format_quarter(self.start)
        return i18n.format_date_range(self.start, self.end)

    def query(self) -> dict[str, str]:
        """The query string that selects this period again."""
        values = {"kind": self.kind, "as_of": self.as_of.isoformat()}
        if self.moment:
            values["at"] = self.moment.isoformat()
        if self.kind == "custom":
            return values | {"start": self.start.isoformat(), "end": self.end.isoformat()}
        values["year"] = str(self.start.year)
        if self.kind == "quarter":
            values["quarter"] = str((self.start.month - 1) // 3 + 1)
        return values

    def months(self) -> list[Period]:
        """The calendar months of the period up to the as-of date, for charts over time."""
        months, first = [], self.start.replace(day=1)
        while first <= min(self.end, self.as_of):
            last = _next_month(first) - timedelta(days=1)
            months.append(replace(self, kind="custom", start=max(first, self.start), end=last))
            first = _next_month(first)
        return months

    def previous(self, count: int) -> list[Period]:
        """This period and the `count - 1` before it, oldest first, each read at its end."""
        periods = [self]
        for _step in range(count - 1):
            latest = periods[0]
            if latest.kind == "year":
                periods.insert(0, year_period(latest.start.year - 1, latest.as_of))
            elif latest.kind == "quarter":
                start = _add_months(latest.start, -3)
                periods.insert(0, quarter_period(start.year, start.month // 3 + 1, latest.as_of))
            else:
                length = latest.end - latest.start + timedelta(days=1)
                end = latest.start - timedelta(days=1)
                periods.insert(0, Period("custom", end - length + timedelta(days=1), end, end))
        return periods


class PeriodError(ValueError):
    pass


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _next_month(day: date) -> date:
    return _add_months(day.replace(day=1), 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def year_period(year: int, as_of: date) -> Period:
    start, end = date(year, 1, 1), date(year, 12, 31)
    return Period("year", start, end, min(as_of, end))


def quarter_period(year: int, quarter: int, as_of: date) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = _add_months(start, 3) - timedelta(days=1)
    return Period("quarter", start, end, min(as_of, end))


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            _("%(field)s : date attendue au format AAAA-MM-JJ", field=label)
        ) from None


def parse_period(params, today: date) -> Period:
    """The period a query string asks for; the current year by default."""
    kind = params.get("kind", "year")
    as_of = _day(params["as_of"], _("date d'arrêté")) if params.get("as_of") else today
    moment = _moment(params["at"]) if params.get("at") else None
    return replace(_period(params, kind, as_of, today), moment=moment)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PeriodError(
            _(
                "%(field)s : date et heure attendues au format ISO 8601 avec fuseau, "
                "par exemple 2026-12-03T14:05:00+00:00",
                field=_("moment du comptage"),
            )
        )
    return moment.astimezone(UTC)


def _period(params, kind: str, as_of: date, today: date) -> Period:
    """The dates a query string asks for: a year, a quarter or custom dates."""
    try:
        year = int(params.get("year") or today.year)
        quarter = int(params.get("quarter") or (today.month - 1) // 3 + 1)
    except ValueError:
        raise PeriodError(_("l'année et le trimestre sont des nombres")) from None
    if not 2000 <= year <= 2100 or not 1 <= quarter <= 4:
        raise PeriodError(_("année ou trimestre hors limites"))
    if kind == "quarter":
        return quarter_period(year, quarter, as_of)
    if kind == "custom":
        start = _day(params.get("start", ""), _("début"))
        end = _day(params.get("end", ""), _("fin"))
        if end < start:
            raise PeriodError(_("la fin de la période précède son début"))
        return Period("custom", start, end, min(as_of, end))
    return year_period(year, as_of)
