#!/bin/sh
# Starts a fresh Stegvis server for the browser tests (Playwright's webServer runs this).
# Each run gets a new, empty SQLite database with the demo organisations, and an empty mail
# folder at a fixed path that the tests read (support/mail.ts).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PORT=${STEGVIS_E2E_PORT:-3100}
BIN=${STEGVIS_BIN:-$ROOT/target/debug/stegvis}
E2E_DIR=${STEGVIS_E2E_DIR:-/tmp/stegvis-e2e}

if [ ! -x "$BIN" ]; then
    echo "start-server.sh: no server binary at $BIN; run 'cargo leptos build' in $ROOT or set STEGVIS_BIN" >&2
    exit 1
fi

# A fresh state directory each run: database and mail.
case "$E2E_DIR" in
    /tmp/?*) ;;
    *) echo "start-server.sh: STEGVIS_E2E_DIR must be a folder under /tmp (it is wiped), got $E2E_DIR" >&2; exit 1 ;;
esac
rm -rf "$E2E_DIR"
mkdir -p "$E2E_DIR/mail"

export DATABASE_URL="sqlite://$E2E_DIR/stegvis.db"
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT"
export PUBLIC_ORIGIN="http://127.0.0.1:$PORT"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$ROOT/target/site}"
export MAIL_DIR="$E2E_DIR/mail"
export CONTENT_DIR="$ROOT/content-modules/content"
export STEGVIS_DEMO_DATA=1
export LOGIN_LIMIT_PER_IP=1000
unset SMTP_URL

exec "$BIN" serve
