#!/usr/bin/env bash
# Installs the Debian packages the test suites need when they are missing: Chromium for the end-to-end tests,
# Xvfb for Electron tests, and WordPress + MariaDB + PHP for the real-WordPress contract tests.
# Idempotent: a machine that has everything spends about a second here.
set -euo pipefail

PKGS=(chromium xvfb xauth wordpress mariadb-server php-cli php-mysql php-curl php-xml php-mbstring zip)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
