from __future__ import annotations

from django.http import HttpRequest

from jarjestoportaali.navigation import NavItem, items_for


def navigation(request: HttpRequest) -> dict[str, list[NavItem] | NavItem | None]:
    items = items_for(request)
    current = next((item for item in reversed(items) if item.is_current(request.path)), None)
    return {"nav_items": items, "nav_current": current}
