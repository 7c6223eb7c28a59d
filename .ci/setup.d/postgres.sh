#!/usr/bin/env bash
# PostgreSQL for the health checks' real-peer tests. The tests start their own throwaway cluster
# (initdb + pg_ctl as the postgres user, on a free port, in a temp dir) and stop it; nothing runs here.
set -euo pipefail
apt_install postgresql-common postgresql
# Debian's postgresql package starts a main cluster on 5432; the tests never use it.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null
