"""The wellbeing services areas as the pages find them by their code: reference data that changes
a few times a year, so the row is kept in the process between changes to the reference lists
(``portal.fragments``, topic ``reference``) instead of being read on every page."""

from __future__ import annotations

from django.http import Http404

from portal import fragments
from portal.models import WelfareArea


def by_code_or_404(code: str) -> WelfareArea:
    found = fragments.kept_value("area", code, ["reference"], lambda: WelfareArea.objects.filter(code=code).first())
    if found is None:
        raise Http404
    return found
