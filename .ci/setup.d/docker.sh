#!/usr/bin/env bash
# Docker engine for the @berth/docker tests: installs Debian's docker.io, busybox-static (the
# test image is built from it, nothing is pulled) and docker-compose (the benchmark's baseline),
# then starts dockerd in the background when no daemon answers. Idempotent: fast when all is up.
set -uo pipefail
if ! declare -F apt_install >/dev/null; then source "$(dirname "$0")/../lib.sh"; fi

# Other setup steps may hold the dpkg lock at the same time: retry for a while.
installed=0
for _ in $(seq 1 60); do
  if apt_install docker.io busybox-static docker-compose iptables ca-certificates 2>/tmp/.berth-docker-apt.err; then installed=1; break; fi
  grep -q 'lock' /tmp/.berth-docker-apt.err || break
  sleep 5
done
if [ "$installed" != 1 ]; then
  cat /tmp/.berth-docker-apt.err >&2
  echo "docker.sh: could not install docker.io/busybox-static/docker-compose" >&2; exit 1
fi

DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=docker
SOCK=/var/run/docker.sock

answers() { $SUDO "$DOCKER" -H "unix://$SOCK" info >/dev/null 2>&1; }

if answers; then echo "docker.sh: engine already answers at $SOCK" >&2; exit 0; fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "docker.sh: starting dockerd (log: /tmp/dockerd.log)" >&2
  # Containers in CI sandboxes often lack a usable iptables/overlay; fall back on each.
  extra=()
  if ! $SUDO iptables -L -n >/dev/null 2>&1; then extra+=(--iptables=false --ip6tables=false); fi
  $SUDO nohup dockerd --host "unix://$SOCK" "${extra[@]}" >>/tmp/dockerd.log 2>&1 </dev/null &
  disown || true
fi

for _ in $(seq 1 120); do
  if answers; then echo "docker.sh: engine ready at $SOCK" >&2; $SUDO chmod 666 "$SOCK" 2>/dev/null || true; exit 0; fi
  sleep 0.5
done
echo "docker.sh: dockerd did not answer at $SOCK within 60 s; last log lines:" >&2
tail -n 20 /tmp/dockerd.log >&2
exit 1
