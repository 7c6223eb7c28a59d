#!/usr/bin/env bash
# jupyter-server from Debian for the Jupyter `GET /api/status` check (403 without a token: up, wants a token).
# The test starts `jupyter server --port <free> --no-browser` with its own token and stops it.
set -euo pipefail
apt_install python3-jupyter-server jupyter-server
command -v jupyter-server >/dev/null
