#!/usr/bin/env bash
# Install the Debian packages the portal and its tests need, when any is missing.
set -euo pipefail

packages=(
  chromium            # browser tests (Playwright drives it; its own download does not work here)
  gettext             # compiling the fi/sv/en catalogues
  redis-server        # the production broker, for tests that run jobs on Redis
  libpango-1.0-0      # WeasyPrint
  libpangoft2-1.0-0   # WeasyPrint
  libharfbuzz-subset0 # WeasyPrint: font subsetting
  fonts-dejavu-core   # fonts for PDFs
  wrk                 # the load generator of make bench
  xmlsec1             # the tests' SAML identity provider (pysaml2 signs and encrypts with it)
  postgresql-common   # make faults: a PostgreSQL cluster of its own (pg_createcluster)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "These Debian packages are missing: ${missing[*]}" >&2
  echo "Install them as root:  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
