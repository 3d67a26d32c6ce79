#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test of the HTML report
# (tests/report.rs, which must run when CU_BROWSER_TEST=1).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  chromium --version
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# fonts: the report names only system faces, so the machine needs one
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core fonts-liberation
chromium --version
