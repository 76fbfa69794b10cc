#!/usr/bin/env bash
# Measures the audit log and users pages at scale: a fresh database with the demo data, plus
# 10,000 users and 1,000,000 audit entries in "Demo Traders" (`dealdesk generate-load`), the chain
# verified once (`dealdesk audit-verify`), then each page requested 200 times in a row by a
# signed-in admin over loopback; prints the median and 95th percentile of curl's total time.
# Usage: cargo build --release && scripts/measure-admin-pages.sh sqlite|postgres [users] [entries]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# BIN=path/to/dealdesk measures another build (say, the commit before a change) the same way.
bin="${BIN:-$root/target/release/dealdesk}"
backend="${1:-sqlite}"
users="${2:-10000}"
entries="${3:-1000000}"
port=18182
work=$(mktemp -d)
export DEMO_PASSWORD=measure-pass-1 STATIC_DIR="$root/static" UPLOAD_DIR="$work/uploads"
export BIND="127.0.0.1:$port" RUST_LOG=warn
export SESSION_KEY="measurement-only-session-key-0123456789abcdef"
export INTEGRATIONS_KEY="0000000000000000000000000000000000000000000000000000000000000001"
pgdb=""
if [ "$backend" = postgres ]; then
  pgdb="dealdesk_measure_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pgdb"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pgdb"
else
  export DATABASE_URL="$work/measure.db"
fi
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  [ -n "$pgdb" ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" migrate >/dev/null
"$bin" demo >/dev/null
"$bin" generate-load --users "$users" --audit-entries "$entries"
start=$(date +%s)
"$bin" audit-verify | grep "organization" || true
echo "full chain verification: $(( $(date +%s) - start )) s"
if [ "$backend" = postgres ]; then psql -q -h 127.0.0.1 -U postgres -d "$pgdb" -c "ANALYZE"; fi

"$bin" serve >/dev/null 2>&1 &
pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = 200 ]; do sleep 0.05; done
jar="$work/jar"
token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//')
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=admin@demo.test" --data-urlencode "password=$DEMO_PASSWORD" "http://127.0.0.1:$port/login"

measure() {
  local path="$1" n=200 status
  status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "http://127.0.0.1:$port$path")
  for _ in $(seq 1 20); do curl -s -o /dev/null -b "$jar" "http://127.0.0.1:$port$path"; done
  for _ in $(seq 1 "$n"); do
    curl -s -o /dev/null -w '%{time_total}\n' -b "$jar" "http://127.0.0.1:$port$path"
  done | sort -n | awk -v p="$path" -v s="$status" '{ t[NR] = $1 * 1000 } END {
    printf "%-60s %s  median %6.2f ms  p95 %6.2f ms\n", p, s, t[int(NR / 2)], t[int(NR * 0.95)] }'
}
next_users=$(curl -s -b "$jar" "http://127.0.0.1:$port/admin/users" | grep -o 'href="[^"]*" rel="next"' | sed 's/href="//;s/" rel="next"//;s/&#38;/\&/g')
next_audit=$(curl -s -b "$jar" "http://127.0.0.1:$port/admin/audit" | grep -o 'href="[^"]*" rel="next"' | sed 's/href="//;s/" rel="next"//;s/&#38;/\&/g')
echo "backend: $backend, $users users and $entries audit entries added"
measure "/admin/audit"
measure "$next_audit"
measure "/admin/audit?action=LOGIN"
measure "/admin/audit?entity_type=role"
measure "/admin/audit?user=load5000%40load.test"
measure "/admin/users"
measure "$next_users"
measure "/admin/users?sort=newest"
measure "/admin/users?sort=email&status=active"
measure "/admin/users?q=garcia"
