#!/usr/bin/env bash
# The whole test suite: static checks, then pytest on SQLite (with the browser tests), then
# pytest on PostgreSQL when it is reachable. Loud when something cannot run.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${PSSM_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
status=0
banner() { printf '\n%s\n!!! %s\n%s\n\n' "$(printf '!%.0s' {1..78})" "$1" "$(printf '!%.0s' {1..78})"; }

echo "== static checks: ruff, import contracts, translations, migrations"
$BIN/ruff check src tests bench scripts || status=1
$BIN/lint-imports --no-cache || status=1
$BIN/python scripts/compile_messages.py --check || status=1
PSSM_SECRET_KEY=check DATABASE_URL="sqlite:///$(mktemp -d)/check.sqlite3" \
  $BIN/pssm makemigrations --check --dry-run >/dev/null || { echo "missing migrations"; status=1; }

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/tmp/pssm-apt.log 2>&1 \
      || banner "Could not install chromium (see /tmp/pssm-apt.log): browser tests will be SKIPPED"
  else
    banner "No /usr/bin/chromium and not root: browser tests will be SKIPPED"
  fi
fi

export PSSM_SECRET_KEY=test-only-secret
echo "== pytest on SQLite"
DATABASE_URL="sqlite:///$PWD/var/test.sqlite3" $BIN/pytest -q -p no:cacheprovider "$@"
sqlite_rc=$?
[ $sqlite_rc -eq 0 ] || status=1

if $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:  # noqa: BLE001
    print(f"PostgreSQL unreachable: {exc}")
    sys.exit(1)
PY
then
  echo "== pytest on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" $BIN/pytest -q -p no:cacheprovider -m "not browser" "$@"
  [ $? -eq 0 ] || status=1
else
  banner "PostgreSQL is NOT reachable at $PG_URL: the PostgreSQL pass (row locks, concurrency) was SKIPPED"
fi
exit $status
