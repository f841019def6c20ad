#!/usr/bin/env bash
# The API against its own OpenAPI schema, with schemathesis: every check, on a fresh demo database,
# with production settings (DEBUG off), signed in as the demo superuser so that every operation runs.
#
#   example_site/contract/run_schemathesis.sh            # about three minutes on two cores
#
# Environment: PYTHON (default: the repository's .venv), SCHEMATHESIS_MAX_EXAMPLES (default 15 per
# operation), SCHEMATHESIS_MAX_TIME (default 150 seconds for the whole run), SCHEMATHESIS_SEED.
# Exits non-zero when schemathesis finds anything (a 5xx, a response the schema does not describe, ...).
# The JUnit report goes to $REPORT_DIR (default: .reports/ at the repository root).
set -euo pipefail

SITE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$SITE/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
SCHEMATHESIS="${SCHEMATHESIS:-$(dirname "$PYTHON")/schemathesis}"
REPORT_DIR="${REPORT_DIR:-$ROOT/.reports}"
SCRATCH="$(mktemp -d)"
PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

export DATABASE_URL="sqlite:///$SCRATCH/contract.sqlite3"
export MEDIA_ROOT="$SCRATCH/media"
export SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ALLOWED_HOSTS="127.0.0.1"
export DJANGO_SECURE_SSL_REDIRECT=0   # plain HTTP on the loopback; everything else as in production
unset DJANGO_DEBUG DJANGO_SETTINGS_MODULE
export PYTHONUNBUFFERED=1

cleanup() {
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

cd "$SITE"
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py seed_demo >/dev/null
"$PYTHON" manage.py runserver "127.0.0.1:$PORT" --noreload >"$SCRATCH/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$SCRATCH/server.log"; exit 1; }
  sleep 0.2
done
curl -fsS "$BASE/readyz"; echo   # ready: database reachable, migrations applied, every guarantee installed

TOKEN="$(curl -fsS -X POST "$BASE/api/v1/auth/token/" -H 'Content-Type: application/json' \
  -d '{"username": "demo", "password": "demo"}' | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

mkdir -p "$REPORT_DIR"
cd "$SCRATCH"   # schemathesis keeps a cache in the working directory: the scratch one
status=0
# The two revoke operations are left out: they would end the run's own token.
"$SCHEMATHESIS" --config-file "$SITE/contract/schemathesis.toml" run "$BASE/api/v1/schema/" \
  --checks all \
  --header "Authorization: Token $TOKEN" \
  --exclude-path-regex '/auth/token/revoke' \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-15}" \
  --max-time "${SCHEMATHESIS_MAX_TIME:-150}" \
  --seed "${SCHEMATHESIS_SEED:-20260101}" \
  --workers 1 \
  --request-timeout 20 \
  --no-color \
  --generation-database none \
  --report junit --report-junit-path "$REPORT_DIR/example_site.schemathesis.xml" || status=$?

if grep -q "Internal Server Error" "$SCRATCH/server.log"; then
  echo "The server answered 500:"; grep -A30 "Internal Server Error" "$SCRATCH/server.log" | head -200
  status=1
fi
exit $status
