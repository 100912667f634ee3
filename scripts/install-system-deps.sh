#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build and the test suites need, only when they are missing:
#   - python3, make, g++: building better-sqlite3 from source when no prebuilt binary can be downloaded;
#   - chromium: the end-to-end tests (Debian's browser, never a downloaded one);
#   - xvfb, xauth: a virtual display for the Electron tests;
#   - wordpress, mariadb-server, php-*: the contract tests against a real WordPress.
# Idempotent: a machine that has everything spends well under a second here.
set -euo pipefail

PKGS=(
  ca-certificates python3 make g++
  chromium
  xvfb xauth
  wordpress mariadb-server php-cli php-mysql php-curl php-xml php-mbstring zip
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]} (and no apt-get here: install them with your package manager)." >&2
  exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo)
  else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >/dev/null
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
