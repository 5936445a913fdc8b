"""Try Suomi.fi by hand: the suite's SAML identity provider and Mandates stand-in, for `make run`.

    .venv/bin/python -m tests.suomifi.serve          # prints the variables, keeps both running
    env $(cat var/suomifi-dev/env) make run          # in another terminal (after `make run` once)

The identity provider trusts the portal once the portal's metadata answers at
http://127.0.0.1:$PORT/accounts/saml/suomifi/metadata/; the test person (Sanni Suomalainen, a test
identity code) holds a mandate for the first demo organisations that have a Business ID.
Ctrl-C stops them.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import django
import requests

from tests.suomifi.fixtures import PERSON
from tests.suomifi.idp import TestIdP, certificate
from tests.suomifi.mandates_server import Mandate, MandateService

BASE_DIR = Path(__file__).resolve().parents[2]


def main() -> None:
    port = os.environ.get("PORT", "8000")
    folder = Path(os.environ.get("PORTAL_VAR_DIR") or BASE_DIR / "var") / "suomifi-dev"
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = certificate("portal.localhost")
    (folder / "sp.crt").write_text(cert)
    (folder / "sp.key").write_text(key)
    idp = TestIdP(person=PERSON).start()
    service = MandateService(client_id="devclnt1", api_key="dev-api-key", oauth_secret="dev-oauth-secret").start()
    service.mandates[PERSON.identity_code] = demo_mandates()
    env = {
        "SUOMIFI_IDENTIFICATION": "test",
        "SUOMIFI_IDP_ENTITY_ID": idp.entity_id,
        "SUOMIFI_IDP_METADATA_URL": f"{idp.url}/metadata",
        "SUOMIFI_FORM_ACTION_ORIGINS": idp.url,
        "SUOMIFI_SP_CERTIFICATE_FILE": str(folder / "sp.crt"),
        "SUOMIFI_SP_PRIVATE_KEY_FILE": str(folder / "sp.key"),
        "SUOMIFI_PSEUDONYM_KEY": "dev-only-pseudonym-key",
        "SUOMIFI_MANDATES_URL": service.url,
        "SUOMIFI_MANDATES_CLIENT_ID": service.client_id,
        "SUOMIFI_MANDATES_API_KEY": service.api_key,
        "SUOMIFI_MANDATES_OAUTH_SECRET": service.oauth_secret,
    }
    (folder / "env").write_text("".join(f"{name}={value}\n" for name, value in env.items()))
    print(f"Test identity provider at {idp.url}, Mandates stand-in at {service.url}.")
    print(f"Start the portal with:  env $(cat {folder / 'env'}) make run")
    print("Mandates for:", ", ".join(f"{m.name} ({m.business_id})" for m in service.mandates[PERSON.identity_code]))
    metadata = f"http://127.0.0.1:{port}/accounts/saml/suomifi/metadata/"
    trusted = False
    try:
        while True:
            if not trusted:
                try:
                    answer = requests.get(metadata, timeout=2)
                    if answer.status_code == 200:
                        idp.trust(answer.text)
                        trusted = True
                        print(
                            f"The identity provider trusts {metadata}: log in with Suomi.fi at http://127.0.0.1:{port}/"
                        )
                except requests.RequestException:
                    pass
            time.sleep(2)
    except KeyboardInterrupt:
        idp.stop()
        service.stop()


def demo_mandates() -> list[Mandate]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    django.setup()
    from organisations.models import Organisation

    found = Organisation.objects.filter(business_id__isnull=False, closed_at__isnull=True).order_by("pk")[:3]
    mandates = [Mandate(business_id=str(o.business_id), name=o.name_fi, roles=["PJ"]) for o in found]
    return mandates or [Mandate(business_id="1234567-1", name="Kävelijät ry", roles=["PJ"])]


if __name__ == "__main__":
    main()
