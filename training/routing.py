"""Building URLs from route names without trying every route in turn."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, NoMatchFound, Router


class DatabaseInteger(IntegerConvertor):
    """`{name:int}` in a path matches what an id column holds (32 bits on PostgreSQL; nine
    digits stay under it): a longer number is a page that does not exist (404), not a number
    that overflows the driver (500)."""

    regex = "[0-9]{1,9}"


def use_database_integers() -> None:
    """Before any route is made (the `training` package does it on import)."""
    register_url_convertor("int", DatabaseInteger())


class NamedRouter(Router):
    """Starlette's router finds a route for `url_for` by asking each route in turn, every one
    refusing with an exception: with 150 routes and twenty links on a page that was a tenth of a
    lesson page's time. This one looks the name up in a dict built once, and keeps each link's
    path once made (the routes do not change while the app runs): filling a route's path
    parameters in was still a twentieth of a lesson page."""

    _by_name: dict[str, list[BaseRoute]] | None = None
    _paths: dict[tuple, URLPath] | None = None

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        if self._paths is None or len(self._paths) >= KEPT_PATHS:
            self._paths = {}
        key = (name, *path_params.items())
        path = self._paths.get(key)
        if path is None:
            path = self._paths[key] = self._path_for(name, path_params)
        return path

    def _path_for(self, name: str, path_params: dict[str, Any]) -> URLPath:
        if self._by_name is None:
            by_name: dict[str, list[BaseRoute]] = defaultdict(list)
            for route in self.routes:
                if (route_name := getattr(route, "name", None)) is not None:
                    by_name[route_name].append(route)
            self._by_name = dict(by_name)
        for route in self._by_name.get(name, ()):
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        # Names under a mount ("mount:route") and anything else: Starlette's own search.
        return super().url_path_for(name, **path_params)


# Links to records (a lesson, an attempt) are many: the kept paths start again past this many.
KEPT_PATHS = 10_000
