# Shared by .ci/setup-system.sh and the .ci/setup.d/*.sh steps (each step can also run on its own).
SUDO="${SUDO:-}"
if [ -z "$SUDO" ] && [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
export SUDO

# apt_install PKG...: installs what is missing, updating the package lists once per machine.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ ! -f /tmp/.berth-apt-updated ]; then $SUDO apt-get update -qq && touch /tmp/.berth-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
export -f apt_install
