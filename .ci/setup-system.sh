#!/usr/bin/env bash
# Installs and starts the real peers the tests run against: a Docker engine, PostgreSQL,
# jupyter-server, Chromium. Each piece lives in .ci/setup.d/*.sh. Needs root (or sudo) and
# Debian's packages. On a developer's machine, where it cannot install, tests that need a peer say
# so as skipped; in CI (CI=true) a peer that is missing afterwards fails the run, so CI can never pass
# with an integration suite skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

# cannot REASON: a peer cannot be installed; fatal in CI, a note elsewhere.
cannot() {
  if [ "${CI:-}" = true ]; then echo "setup-system: $1; CI needs every test peer" >&2; exit 1; fi
  echo "setup-system: $1; skipping system peers (tests that need them will say skipped)" >&2
  exit 0
}

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else cannot "not root and no sudo"; fi
fi
export SUDO
command -v apt-get >/dev/null || cannot "no apt-get"
source .ci/lib.sh
status=0
for step in .ci/setup.d/*.sh; do
  [ -e "$step" ] || continue
  echo "setup-system: $(basename "$step")" >&2
  bash "$step" || { echo "setup-system: $(basename "$step") failed" >&2; status=1; }
done

# What the test suites will find (the same probe their cached results are keyed on).
peers=$(node tools/nx-berth/test-peers.cjs)
echo "setup-system: peers: $peers" >&2
if [ "${CI:-}" = true ] && [[ " $peers" == *":no"* ]]; then
  echo "setup-system: missing in CI: $(tr ' ' '\n' <<<"$peers" | grep ':no$' | cut -d: -f1 | tr '\n' ' ')" >&2
  status=1
fi
exit $status
