#!/usr/bin/env bash
# The whole test suite: static checks, then pytest on SQLite (with the browser tests) and, at
# the same time, pytest on PostgreSQL when it is reachable. Loud when something cannot run.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${PSSM_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
status=0
banner() { printf '\n%s\n!!! %s\n%s\n\n' "$(printf '!%.0s' {1..78})" "$1" "$(printf '!%.0s' {1..78})"; }

echo "== static checks: ruff, import contracts, translations, migrations"
$BIN/ruff check src tests bench scripts || status=1
if out=$($BIN/lint-imports --no-cache 2>&1); then
  echo "import contracts kept"
else
  echo "$out"; status=1
fi
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
rm -f var/pytest-sqlite.log var/pytest-postgresql.log var/pytest-nodes.log
mkdir -p var

# The PostgreSQL pass runs beside the SQLite pass (each has its own database and working
# folders, see tests/conftest.py), so that the whole suite takes the time of the longer one.
# The national node is a PostgreSQL node: the tests that run national and depot nodes as
# separate processes (marker "nodes") run once, with the national node on PostgreSQL and the
# depots on SQLite, after the SQLite pass and beside the rest of the PostgreSQL pass.
pg_pid=""
sqlite_marks=()
if $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:  # noqa: BLE001
    print(f"PostgreSQL unreachable: {exc}")
    sys.exit(1)
PY
then
  echo "== pytest on PostgreSQL ($PG_URL), in the background: var/pytest-postgresql.log"
  DATABASE_URL="$PG_URL" $BIN/pytest -q -p no:cacheprovider -m "not browser and not nodes" "$@" \
    >var/pytest-postgresql.log 2>&1 &
  pg_pid=$!
  trap 'kill "$pg_pid" 2>/dev/null' EXIT
  sqlite_marks=(-m "not nodes")
else
  banner "PostgreSQL is NOT reachable at $PG_URL: the PostgreSQL pass (row locks, concurrency) was SKIPPED"
fi

echo "== pytest on SQLite"
DATABASE_URL="sqlite:///$PWD/var/test.sqlite3" $BIN/pytest -q -p no:cacheprovider "${sqlite_marks[@]}" "$@" | tee var/pytest-sqlite.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

if [ -n "$pg_pid" ]; then
  echo "== the multi-node tests: national node on PostgreSQL ($PG_URL), depots on SQLite"
  DATABASE_URL="$PG_URL" $BIN/pytest -q -p no:cacheprovider -m nodes "$@" | tee var/pytest-nodes.log
  nodes_status=${PIPESTATUS[0]}
  # 5: the arguments given select no multi-node test
  [ "$nodes_status" -eq 0 ] || [ "$nodes_status" -eq 5 ] || status=1

  wait "$pg_pid"; pg_status=$?
  echo "== pytest on PostgreSQL ($PG_URL)"
  cat var/pytest-postgresql.log
  [ "$pg_status" -eq 0 ] || status=1
fi
# One closing line for all the passes.
$BIN/python - var/pytest-sqlite.log var/pytest-postgresql.log var/pytest-nodes.log <<'PY'
import re, sys
totals = {"passed": 0, "failed": 0, "skipped": 0, "error": 0}
for path in sys.argv[1:]:
    try:
        lines = open(path).read().strip().splitlines()
    except FileNotFoundError:
        continue
    for count, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", lines[-1] if lines else ""):
        totals["error" if word.startswith("error") else word] += int(count)
failed = totals["failed"] + totals["error"]
print(f"all passes: {totals['passed']} passed, {failed} failed, {totals['skipped']} skipped")
PY
exit $status
