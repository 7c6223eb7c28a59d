#!/usr/bin/env bash
# Headless Chromium for the dashboard's browser tests (apps/ui/test/*.e2e.test.ts), driven by
# playwright-core at /usr/bin/chromium; playwright's own browser download does not work here.
# Debian's package is `chromium` (bookworm: 150.x); fonts-dejavu-core gives the screenshots real glyphs.
# Idempotent: apt_install skips installed packages.
set -uo pipefail
installed=0
for _ in $(seq 1 60); do
  # Another setup step or helper may hold the dpkg lock: retry for a while.
  if apt_install chromium fonts-dejavu-core 2>/tmp/.berth-chromium-apt.err; then installed=1; break; fi
  grep -q 'lock' /tmp/.berth-chromium-apt.err || break
  sleep 5
done
if [ "$installed" != 1 ]; then
  cat /tmp/.berth-chromium-apt.err >&2
  echo "chromium.sh: could not install chromium" >&2
  exit 1
fi
if ! /usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1; then
  echo "chromium.sh: /usr/bin/chromium is installed but does not start" >&2
  exit 1
fi
