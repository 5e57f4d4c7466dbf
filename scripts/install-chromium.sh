#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/browser, driven by playwright-core) when it is
# missing: about 25 s, 113 MB download (research/stack.md, install facts). Never `npx playwright install`:
# it downloads a browser from the internet.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then
  echo "install-chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") is present"
  exit 0
fi
if [[ $EUID -ne 0 ]]; then
  echo "install-chromium: $CHROMIUM is missing; run as root: apt-get install -y chromium" >&2
  exit 1
fi
echo "install-chromium: installing chromium from Debian's archive"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
[[ -x "$CHROMIUM" ]] || { echo "install-chromium: chromium installed but $CHROMIUM is missing; set CHROMIUM_PATH" >&2; exit 1; }
