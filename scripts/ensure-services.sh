#!/usr/bin/env bash
# Makes sure the local database servers the tests use are running: PostgreSQL (queue/store tests) and
# MariaDB (two real Kodis sharing one video database). Both come with this machine kind; a stopped one
# is started with the same command the machine uses at boot. Idempotent.
set -euo pipefail

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "ensure-services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "ensure-services: PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }

if ! mariadb-admin -h 127.0.0.1 -uroot ping >/dev/null 2>&1; then
  echo "ensure-services: starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
for _ in $(seq 1 30); do mariadb-admin -h 127.0.0.1 -uroot ping >/dev/null 2>&1 && break; sleep 1; done
mariadb-admin -h 127.0.0.1 -uroot ping >/dev/null 2>&1 || { echo "ensure-services: MariaDB is not answering on 127.0.0.1:3306" >&2; exit 1; }
