"""The shape of the code: the core imports no feature app, no two apps import each other both
ways, and nothing but the project package imports the project package. Every import counts, also
those inside functions and under TYPE_CHECKING, and the migrations too."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = "portal"
FEATURES = ("organisations", "grants", "funding", "familycentre", "suomifi")
PROJECT = "jarjestoportaali"
PACKAGES = (CORE, *FEATURES, PROJECT)


def imported_packages(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


def imports_between_packages() -> dict[tuple[str, str], set[str]]:
    """{(importer, imported): files of importer that import it}"""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for imported in imported_packages(path.read_text(encoding="utf-8")) - {package}:
                edges[(package, imported)].add(str(path.relative_to(ROOT)))
    return edges


def test_the_check_sees_imports_inside_functions_and_type_checking_blocks():
    source = "if TYPE_CHECKING:\n    from grants.models import X\ndef f():\n    import funding.ledger\n"
    assert imported_packages(source) == {"grants", "funding"}


def test_the_core_imports_no_feature_app_and_not_the_project():
    edges = imports_between_packages()
    assert {imported: sorted(files) for (importer, imported), files in edges.items() if importer == CORE} == {}


@pytest.mark.parametrize("package", FEATURES)
def test_no_app_imports_the_project_package(package):
    assert sorted(imports_between_packages().get((package, PROJECT), ())) == []


def test_no_two_apps_import_each_other():
    edges = imports_between_packages()
    both_ways = {
        (first, second): sorted(edges[(first, second)] | edges[(second, first)])
        for first, second in edges
        if first < second and (second, first) in edges
    }
    assert both_ways == {}


def test_the_feature_apps_stand_on_the_core():
    edges = imports_between_packages()
    assert all((app, CORE) in edges for app in FEATURES)
    assert (PROJECT, "funding") in edges  # the dashboard reads the funding figures
