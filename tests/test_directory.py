from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations import demo
from organisations.models import Organisation
from portal.models import Theme
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("organisations:directory")


@pytest.fixture
def demo_organisations() -> list[Organisation]:
    return demo.seed(admin=UserFactory(), member=UserFactory(), coordinator=UserFactory())


def listed(client, **filters: str) -> set[str]:
    html = client.get(DIRECTORY, {**filters, "page": filters.get("page", 1)}).content.decode()
    return set(re.findall(r'<h3><a href="/organisations/\d+/">([^<]+)</a>', html))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"area": "05", "theme": "mental-health"}, {
            "Varsinais-Suomen Mielenterveysseura ry", "Turun Mielenterveysyhdistys Aalto ry",
            "Salon Mielenterveysyhdistys Vire ry", "Åbolands Psykosociala Förening rf"}),
        ({"language": "other"}, {"Helsingin Vertaistukiyhdistys ry", "Helsingin Perhekerho ry"}),
        ({"kind": "district"}, {
            "Varsinais-Suomen Mielenterveysseura ry", "Uudenmaan Vammaisjärjestöjen Piiri ry",
            "Pirkanmaan Sydänpiiri ry"}),
        ({"municipality": "734"}, {"Salon Mielenterveysyhdistys Vire ry", "Salon Omaishoitajat ry"}),
        ({"activity_type": "paid-service"}, {"Pohjanmaan Turvakoti ry"}),
        ({"q": "muisti"}, {"Naantalin Muistiyhdistys ry"}),
        ({"q": "kamratstöd", "area": "19"}, {"Oulun Seudun Asunnottomien Tuki ry"}),
    ],
)  # fmt: skip
def test_directory_filters_return_the_right_organisations(client, demo_organisations, filters, expected):
    assert listed(client, **filters) == expected


def test_unknown_filter_values_give_a_message_not_an_error(client, demo_organisations):
    client.cookies["django_language"] = "en"
    response = client.get(DIRECTORY, {"area": "99", "language": "<script>", "page": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_directory_is_paginated(client):
    for _ in range(30):
        OrganisationFactory()
    assert len(listed(client)) == 25
    assert len(listed(client, page="2")) == 5


def count_queries(client, **filters: str) -> int:
    caches["fragments"].clear()  # the queries of rendering the results, not of reading them from the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DIRECTORY, filters).status_code == 200
    return len(queries)


def add_organisations(count: int) -> None:
    themes = list(Theme.objects.filter(code__in=["mental-health", "older-people"]))
    for _ in range(count):
        organisation = OrganisationFactory.in_area("05", parent=OrganisationFactory(kind="district"))
        organisation.themes.set(themes)
        MembershipFactory(organisation=organisation)


@pytest.mark.parametrize("filters", [{}, {"area": "05", "theme": "mental-health", "q": "ry"}])
def test_directory_query_count_does_not_grow_with_the_organisations_listed(client, filters):
    add_organisations(3)
    few = count_queries(client, **filters)
    add_organisations(20)
    assert count_queries(client, **filters) == few
