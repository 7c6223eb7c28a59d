#!/usr/bin/env bash
# Installs and starts the real peers the tests run against: a Docker engine, PostgreSQL,
# jupyter-server, Chromium. Each piece lives in .ci/setup.d/*.sh. Needs root (or sudo) and
# Debian's packages; where it cannot install, tests that need a peer say so as skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "setup-system: not root and no sudo; skipping system peers (tests that need them will say skipped)" >&2
    exit 0
  fi
fi
export SUDO
if ! command -v apt-get >/dev/null; then
  echo "setup-system: no apt-get; skipping system peers" >&2
  exit 0
fi
source .ci/lib.sh
status=0
for step in .ci/setup.d/*.sh; do
  [ -e "$step" ] || continue
  echo "setup-system: $(basename "$step")" >&2
  bash "$step" || { echo "setup-system: $(basename "$step") failed" >&2; status=1; }
done
exit $status
