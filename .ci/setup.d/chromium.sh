#!/usr/bin/env bash
# Headless Chromium for the dashboard's browser tests (apps/api/test/*.e2e.test.ts), driven by
# playwright-core at /usr/bin/chromium; playwright's own browser download does not work here.
# Debian's package is `chromium` (bookworm: 150.x); fonts-dejavu-core gives the screenshots real glyphs.
set -euo pipefail
apt_install chromium fonts-dejavu-core
/usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1 || {
  echo "chromium.sh: /usr/bin/chromium is installed but does not start" >&2
  exit 1
}
