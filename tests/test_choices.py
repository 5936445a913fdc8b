"""Select boxes as people read them: the same HTML as Django's, the blank choice in words, the
reference lists in the reader's alphabetical order; and where an organisation operates kept in
step with its municipalities."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from organisations.models import Organisation
from portal import choices
from portal.models import Municipality, WelfareArea
from tests.conftest import login
from tests.factories import (
    ApplicationFactory,
    AreaRoleFactory,
    GrantCallFactory,
    MembershipFactory,
    OrganisationFactory,
    area,
)

pytestmark = pytest.mark.django_db


class Selects(HTMLParser):
    """Every <select> of a page: its attributes and its options (value, label, selected)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: dict[str, dict[str, object]] = {}
        self._select: str | None = None
        self._option: list[object] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            named = dict(attrs)
            self._select = str(named["name"])
            self.found[self._select] = {"attrs": named, "options": []}
        elif tag == "option" and self._select:
            named = dict(attrs)
            self._option = [named.get("value"), "", "selected" in named]

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[1] = str(self._option[1]) + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select:
            self.found[self._select]["options"].append(tuple(self._option))  # type: ignore[union-attr]
            self._option = None
        elif tag == "select":
            self._select = None


def options(html: str, name: str) -> list[tuple[str, str, bool]]:
    return Selects(html).found[name]["options"]  # type: ignore[return-value]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---------"), ("a", "A & B"), ("b", '"quoted"')], required=False)
    grouped = forms.ChoiceField(choices=[("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("x", "X")])
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")], required=False)


@pytest.mark.parametrize("data", [{}, {"plain": "a", "grouped": "pear", "many": ["1", "3"]}])
def test_the_fast_select_writes_what_djangos_select_writes(data):
    form = Sample(data or None)
    for name in ("plain", "grouped", "many"):
        bound = form[name]
        django_html = bound.as_widget(attrs={"aria-describedby": "help"})
        fast_html = bound.as_widget(widget=choices.fast_widget_for(bound), attrs={"aria-describedby": "help"})
        django_select, fast_select = Selects(django_html).found[name], Selects(fast_html).found[name]
        assert fast_select["attrs"] == django_select["attrs"]
        expected = [
            (value, str(choices.CHOOSE) if label == "---------" else label, selected)
            for value, label, selected in django_select["options"]  # type: ignore[union-attr]
        ]
        assert fast_select["options"] == expected
    assert "A &amp; B" in choices.fast_widget_for(form["plain"]).render("plain", "")  # type: ignore[union-attr]


def test_radio_buttons_and_checkboxes_are_left_to_django():
    class Radios(forms.Form):
        pick = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
        boxes = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)

    form = Radios()
    assert choices.fast_widget_for(form["pick"]) is None
    assert choices.fast_widget_for(form["boxes"]) is None


def test_names_sort_as_a_finnish_or_swedish_reader_expects():
    names = ["Öja", "Åbo", "Ähtäri", "Vörå", "Zeta", "aura", "Ylöjärvi"]
    assert sorted(names, key=choices.alphabetical_key) == ["aura", "Vörå", "Ylöjärvi", "Zeta", "Åbo", "Ähtäri", "Öja"]


def test_the_directory_filters_read_all_and_list_municipalities_in_the_readers_language_and_order(client):
    for language, everything in (("fi", "Kaikki"), ("sv", "Alla")):
        html = client.get(reverse("organisations:directory"), headers={"accept-language": language}).content.decode()
        assert "---------" not in html
        assert "(vapaaehtoinen)" not in html
        assert "(frivillig)" not in html
        municipalities = options(html, "municipality")
        assert municipalities[0] == ("", everything, True)  # nothing chosen yet
        with translation.override(language):
            named = sorted((str(m) for m in Municipality.objects.all()), key=choices.alphabetical_key)
        assert [label for _value, label, _chosen in municipalities[1:]] == named
    swedish = [label for _value, label, _chosen in options(html, "municipality")]
    assert swedish.index("Åbo") > swedish.index("Vörå")  # Turku is Åbo, after Z, in Swedish


def test_a_chosen_reference_option_is_marked_selected(client):
    html = client.get(reverse("organisations:directory"), {"municipality": "853"}).content.decode()
    chosen = [(value, label) for value, label, selected in options(html, "municipality") if selected]
    assert chosen == [("853", "Turku")]


def test_a_renamed_municipality_shows_its_new_name_at_once(client, django_capture_on_commit_callbacks):
    turku = Municipality.objects.get(code="853")
    client.get(reverse("organisations:directory"))  # the list is built and kept
    with django_capture_on_commit_callbacks(execute=True):
        turku.name_fi = "Turku (uusi nimi)"
        turku.save()
    try:
        html = client.get(reverse("organisations:directory")).content.decode()
        assert ("853", "Turku (uusi nimi)", False) in options(html, "municipality")
    finally:
        choices.forget()


def test_the_work_list_offers_the_municipalities_of_its_area_only(client):
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    GrantCallFactory(area=area("05"))
    html = login(client, coordinator).get(reverse("grants:work_list", args=["05"])).content.decode()
    offered = {value for value, _label, _chosen in options(html, "municipality")} - {""}
    assert offered == set(area("05").municipalities.values_list("code", flat=True))
    assert len(offered) == 27
    sort = options(html, "sort")
    assert sort[0][1] == "Uusimmat lähetetyt ensin"  # no empty choice: the list is in this order
    assert "---------" not in html


def test_a_form_asks_to_choose_rather_than_showing_dashes(client):
    application = ApplicationFactory()
    member = MembershipFactory.admin(organisation=application.organisation).user
    html = login(client, member).get(reverse("grants:application_edit", args=[application.pk])).content.decode()
    assert "---------" not in html
    kinds = options(html, "budget-0-kind")
    assert kinds[0] == ("", "Valitse…", False)


def areas_of(organisation: Organisation) -> set[str]:
    return set(Organisation.objects.get(pk=organisation.pk).areas.values_list("code", flat=True))


def test_where_an_organisation_operates_follows_its_home_and_municipalities():
    organisation = OrganisationFactory.in_area("05")
    assert areas_of(organisation) == {"05"}
    helsinki = Municipality.objects.get(code="091")
    organisation.municipalities.add(helsinki)
    assert areas_of(organisation) == {"05", "90"}
    assert organisation in Organisation.objects.operating_in(area("90"))
    organisation.municipalities.remove(helsinki)
    assert areas_of(organisation) == {"05"}
    organisation.home_municipality = helsinki
    organisation.save()
    assert areas_of(organisation) == {"90"}
    helsinki.operating_organisations.add(OrganisationFactory.in_area("05"))  # from the municipality's side
    assert set(Organisation.objects.operating_in(area("90"))) >= {organisation}
    assert list(Organisation.objects.operating_in(area("90"), area("05")).filter(pk=organisation.pk)) == [organisation]


def test_what_is_written_in_bulk_is_put_right_by_refresh_areas():
    organisation = OrganisationFactory.in_area("05")
    Organisation.municipalities.through.objects.bulk_create(
        [
            Organisation.municipalities.through(
                organisation=organisation, municipality=Municipality.objects.get(code="091")
            )
        ]
    )
    assert areas_of(organisation) == {"05"}  # bulk writes send no signals
    Organisation.objects.filter(pk=organisation.pk).refresh_areas()
    assert areas_of(organisation) == {"05", "90"}


def test_every_organisation_of_the_demo_has_its_areas_written_down():
    from organisations import demo
    from tests.factories import UserFactory

    demo.seed(admin=UserFactory(), member=UserFactory(), coordinator=UserFactory())
    for organisation in Organisation.objects.prefetch_related("municipalities"):
        expected = {organisation.home_municipality.area_id} | {m.area_id for m in organisation.municipalities.all()}
        assert set(organisation.areas.values_list("pk", flat=True)) == expected, organisation
    assert WelfareArea.objects.filter(operating_organisations__isnull=False).exists()


class Inputs(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"autocomplete": "name", "data-x": True}))
    number = forms.IntegerField(min_value=0, required=False)
    email = forms.EmailField()
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(required=False)
    words = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    secret = forms.CharField(widget=forms.PasswordInput)
    token = forms.CharField(widget=forms.HiddenInput)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": 'A "quoted" <b>', "number": "3", "email": "x@example.org", "when": "2026-12-01", "agree": "on",
         "words": "one\ntwo & <three>", "secret": "s", "token": "t"},
    ],
)  # fmt: skip
def test_fast_inputs_write_what_djangos_widgets_write(data):
    form = Inputs(data)
    for bound in form:
        fast = choices.fast_widget_for(bound)
        assert fast is not None, bound.name
        attrs = {"aria-describedby": "help", "aria-invalid": "true"}
        assert str(bound.as_widget(widget=fast, attrs=attrs)) == str(bound.as_widget(attrs=attrs)), bound.name


def test_a_widget_with_a_render_of_its_own_is_rendered_by_it():
    class Own(forms.TextInput):
        def render(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
            return "own"

    class WithOwn(forms.Form):
        field = forms.CharField(widget=Own)

    assert choices.fast_widget_for(WithOwn()["field"]) is None
