#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (never Playwright's own download, which is blocked).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing and this is not root: install Debian's 'chromium' package, then run make test." >&2
  exit 1
fi
echo "Installing Debian's Chromium for the browser tests..."
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
