#!/usr/bin/env bash
# OpenSSH for the ssh:// engine tests. The tests start their own sshd (a config, host key and client
# keys of their own, on free loopback ports) and stop it; nothing runs here, and no key is installed.
set -euo pipefail
apt_install openssh-server openssh-client
test -x /usr/sbin/sshd
