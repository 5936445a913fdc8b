"""The client of PRH's open data (the YTJ open-data API, v3): an organisation looked up by Business ID.

``fetch`` asks ``GET {PORTAL_PRH_URL}?businessId=1234567-8``; PRH answers
``{"totalResults": n, "companies": [...]}``, each company with its names (type 1 is the main name,
an ``endDate`` marks a former one), its register entries, addresses (type 1 visiting, type 2
postal, each post office with the municipality's code), forms, the dates it was registered and,
when it has ended, ``endDate``. Texts come in Finnish, Swedish and English (``languageCode`` 1, 2
and 3). ``parse`` turns one company into a ``Company``; the raw JSON is what is stored, so that a
page can show it in the reader's language.

Timeouts and retries with backoff are urllib3's (through requests); whatever goes wrong ends as a
``RegisterError`` with its reason, never as another exception.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

LANGUAGE_CODES = {"1": "fi", "2": "sv", "3": "en"}
MAIN_NAME = "1"
VISITING_ADDRESS = 1
POSTAL_ADDRESS = 2
RETRIED_STATUSES = (429, 500, 502, 503, 504)
SITUATIONS = {"SANE": _("in restructuring"), "SELTILA": _("in liquidation"), "KONK": _("in bankruptcy")}

Texts = dict[str, str]  # language ("fi", "sv", "en") -> text


class RegisterError(Exception):
    """The register could not be asked: ``reason`` is ``timeout``, ``unavailable`` or ``bad_response``."""

    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"
    BAD_RESPONSE = "bad_response"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def pick(texts: Texts, language: str | None = None) -> str:
    """The text in ``language`` (the active one by default), else Finnish, else any."""
    language = (language or translation.get_language() or "fi")[:2]
    return texts.get(language) or texts.get("fi") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Name:
    name: str
    kind: str
    registered: datetime.date | None
    ended: datetime.date | None


@dataclass(frozen=True)
class Entry:
    """A register entry: which register (its code) and what it says, e.g. "Registered"."""

    register: str
    authority: str
    texts: Texts
    registered: datetime.date | None
    ended: datetime.date | None

    @property
    def text(self) -> str:
        return pick(self.texts)


@dataclass(frozen=True)
class Address:
    kind: int
    lines: tuple[str, ...]
    post_code: str
    cities: Texts
    municipality_code: str

    @property
    def text(self) -> str:
        city = pick(self.cities)
        return ", ".join([*self.lines, " ".join(part for part in (self.post_code, city) if part)]).strip(", ")


@dataclass(frozen=True)
class Company:
    business_id: str
    name: str
    names: tuple[Name, ...]
    registered: datetime.date | None
    business_id_given: datetime.date | None
    ended: datetime.date | None
    forms: Texts
    entries: tuple[Entry, ...]
    addresses: tuple[Address, ...]
    situations: tuple[str, ...]  # SANE (restructuring), SELTILA (liquidation), KONK (bankruptcy), in force
    last_modified: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def dissolved(self) -> bool:
        return self.ended is not None

    @property
    def former_names(self) -> list[Name]:
        return [name for name in self.names if name.kind == MAIN_NAME and name.ended is not None]

    @property
    def other_names(self) -> list[Name]:
        """Parallel and auxiliary names in force."""
        return [name for name in self.names if name.kind != MAIN_NAME and name.ended is None]

    @property
    def entries_in_force(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.ended is None]

    @property
    def address(self) -> Address | None:
        """The visiting address, else the postal one."""
        for kind in (VISITING_ADDRESS, POSTAL_ADDRESS):
            for address in self.addresses:
                if address.kind == kind:
                    return address
        return None

    @property
    def domicile_code(self) -> str:
        """The municipality of the registered address. The open data has no field of its own for
        the registered office (kotipaikka); the address's municipality is the closest it gives."""
        for kind in (VISITING_ADDRESS, POSTAL_ADDRESS):
            for address in self.addresses:
                if address.kind == kind and address.municipality_code:
                    return address.municipality_code
        return ""

    @property
    def domicile_city(self) -> str:
        for kind in (VISITING_ADDRESS, POSTAL_ADDRESS):
            for address in self.addresses:
                if address.kind == kind and address.cities:
                    return pick(address.cities)
        return ""

    @property
    def situation_texts(self) -> list[str]:
        return [str(SITUATIONS[code]) for code in self.situations if code in SITUATIONS]

    @property
    def form(self) -> str:
        return pick(self.forms) if self.forms else ""


def _date(value: object) -> datetime.date | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _texts(descriptions: object) -> Texts:
    found: Texts = {}
    for item in descriptions if isinstance(descriptions, list) else []:
        if isinstance(item, dict) and item.get("description"):
            language = LANGUAGE_CODES.get(str(item.get("languageCode")), "")
            if language:
                found[language] = str(item["description"])
    return found


def _str(value: object) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _address(item: dict[str, Any]) -> Address:
    street = " ".join(
        part
        for part in (
            _str(item.get("street")),
            _str(item.get("buildingNumber")),
            _str(item.get("entrance")),
            _str(item.get("apartmentNumber")) + _str(item.get("apartmentIdSuffix")),
        )
        if part
    )
    lines = [line for line in (_str(item.get("co")), street) if line]
    if _str(item.get("postOfficeBox")):
        lines.append(f"PL {_str(item.get('postOfficeBox'))}")
    if _str(item.get("freeAddressLine")):
        lines.append(_str(item.get("freeAddressLine")).replace("_", " "))
    offices = [office for office in item.get("postOffices") or [] if isinstance(office, dict)]
    cities = {
        LANGUAGE_CODES[str(office.get("languageCode"))]: _str(office.get("city")).title()
        for office in offices
        if str(office.get("languageCode")) in LANGUAGE_CODES and office.get("city")
    }
    codes = [_str(office.get("municipalityCode")) for office in offices if office.get("municipalityCode")]
    return Address(
        kind=int(item.get("type") or 0),
        lines=tuple(lines),
        post_code=_str(item.get("postCode")),
        cities=cities,
        municipality_code=codes[0] if codes else "",
    )


def _current_name(names: list[Name]) -> str:
    """The main name in force; of several (a record mid-change), the latest registered."""
    main = [name for name in names if name.kind == MAIN_NAME and name.ended is None]
    main.sort(key=lambda name: name.registered or datetime.date.min, reverse=True)
    return main[0].name if main else (names[0].name if names else "")


def parse(company: dict[str, Any]) -> Company:
    """One company of the answer. Raises RegisterError (bad_response) when it is not one."""
    try:
        business_id = company["businessId"]
        names = tuple(
            Name(
                name=_str(item["name"]),
                kind=_str(item.get("type")),
                registered=_date(item.get("registrationDate")),
                ended=_date(item.get("endDate")),
            )
            for item in company.get("names") or []
        )
        forms = [item for item in company.get("companyForms") or [] if not item.get("endDate")]
        entries = tuple(
            Entry(
                register=_str(item.get("register")),
                authority=_str(item.get("authority")),
                texts=_texts(item.get("descriptions")),
                registered=_date(item.get("registrationDate")),
                ended=_date(item.get("endDate")),
            )
            for item in company.get("registeredEntries") or []
        )
        return Company(
            business_id=_str(business_id["value"]),
            name=_current_name(list(names)),
            names=names,
            registered=_date(company.get("registrationDate")),
            business_id_given=_date(business_id.get("registrationDate")),
            ended=_date(company.get("endDate")),
            forms=_texts(forms[0].get("descriptions")) if forms else {},
            entries=entries,
            addresses=tuple(_address(item) for item in company.get("addresses") or [] if isinstance(item, dict)),
            situations=tuple(
                _str(item.get("type"))
                for item in company.get("companySituations") or []
                if isinstance(item, dict) and not item.get("endDate")
            ),
            last_modified=_str(company.get("lastModified")),
            raw=company,
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise RegisterError(RegisterError.BAD_RESPONSE, f"not a company: {error!r}") from error


def company_of(payload: object, business_id: str) -> dict[str, Any] | None:
    """The company with this Business ID in an answer, or None when the register has none."""
    if not isinstance(payload, dict) or not isinstance(payload.get("companies", []), list):
        raise RegisterError(RegisterError.BAD_RESPONSE, "no list of companies")
    for company in payload.get("companies") or []:
        if isinstance(company, dict) and (company.get("businessId") or {}).get("value") == business_id:
            return company
    return None


def new_session(retries: int) -> requests.Session:
    """A session that retries lost connections, timeouts and PRH's 5xx and 429 answers with
    exponential backoff (0.5 s, 1 s, 2 s, … or what Retry-After asks), GET only."""
    session = requests.Session()
    retry = Retry(
        total=retries,
        backoff_factor=0.5,
        backoff_max=8,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,  # the last 5xx answer comes back, to be told apart from a timeout
        respect_retry_after_header=True,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["Accept"] = "application/json"
    return session


def _timed_out(error: requests.RequestException) -> bool:
    if isinstance(error, requests.Timeout):
        return True
    reason = error.args[0].reason if error.args and isinstance(error.args[0], MaxRetryError) else None
    # A refused connection is a NewConnectionError, which urllib3 derives from ConnectTimeoutError.
    return isinstance(reason, ReadTimeoutError | ConnectTimeoutError) and not isinstance(reason, NewConnectionError)


def fetch(business_id: str, *, retries: int | None = None) -> Company | None:
    """The register's record of the organisation with this (valid, formatted) Business ID, or None
    when the register has none. Raises RegisterError when the register cannot be asked."""
    retries = settings.PORTAL_PRH_RETRIES if retries is None else retries
    timeout = settings.PORTAL_PRH_TIMEOUT_SECONDS
    try:
        with new_session(retries) as session:
            response = session.get(
                settings.PORTAL_PRH_URL, params={"businessId": business_id}, timeout=(min(timeout, 3), timeout)
            )
    except requests.RequestException as error:
        reason = RegisterError.TIMEOUT if _timed_out(error) else RegisterError.UNAVAILABLE
        logger.warning("PRH's register could not be asked about %s: %s", business_id, error)
        raise RegisterError(reason, str(error)) from error
    if response.status_code == 404:
        return None  # PRH answers an unknown Business ID with an empty list; a 404 means the same
    if response.status_code >= 500 or response.status_code == 429:
        logger.warning("PRH's register answered %s about %s", response.status_code, business_id)
        raise RegisterError(RegisterError.UNAVAILABLE, f"HTTP {response.status_code}")
    if response.status_code != 200:
        raise RegisterError(RegisterError.BAD_RESPONSE, f"HTTP {response.status_code}")
    try:
        payload = response.json()
    except (ValueError, json.JSONDecodeError) as error:
        logger.warning("PRH's register sent something else than JSON about %s", business_id)
        raise RegisterError(RegisterError.BAD_RESPONSE, "not JSON") from error
    company = company_of(payload, business_id)
    return parse(company) if company is not None else None
