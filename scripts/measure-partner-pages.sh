#!/usr/bin/env bash
# Measures the partner portal at scale: a fresh database with the demo data plus 100,000 leads
# and 100,000 orders (with their items and contracts) in "Demo Traders" (`dealdesk
# generate-load --leads --orders`), then, signed in as the partner, the distributor, the
# fulfiller and an admin (every partner row), wrk with 32 connections for 5 s per page
# (requests/s, p50, p99) and with one connection for 3 s (the median of one request alone).
# Usage: cargo build --release && scripts/measure-partner-pages.sh sqlite|postgres
# Needs wrk (apt-get install wrk), curl, and psql for PostgreSQL.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# BIN=path/to/dealdesk measures another build (say, the commit before a change) the same way.
bin="${BIN:-$root/target/release/dealdesk}"
backend="${1:-sqlite}"
port=18184
work=$(mktemp -d)
export DEMO_PASSWORD=measure-pass-1 UPLOAD_DIR="$work/uploads"
export BIND="127.0.0.1:$port" RUST_LOG=warn
export SESSION_KEY="measurement-only-session-key-0123456789abcdef"
export INTEGRATIONS_KEY="0000000000000000000000000000000000000000000000000000000000000001"
pgdb=""
if [ "$backend" = postgres ]; then
  pgdb="dealdesk_measure_partner_$$"
  psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pgdb"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$pgdb"
  sql() { psql -q -t -A -h 127.0.0.1 -U postgres -d "$pgdb" -c "$1"; }
else
  export DATABASE_URL="$work/measure.db"
  sql() { sqlite3 "$DATABASE_URL" "$1"; }
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
start=$(date +%s.%N)
"$bin" generate-load --leads 100000 --orders 100000
echo "generate-load: $(echo "$(date +%s.%N) - $start" | bc) s"
if [ "$backend" = postgres ]; then sql "ANALYZE" >/dev/null; fi

"$bin" serve >/dev/null 2>&1 &
pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = 200 ]; do sleep 0.05; done

cookie_of() {
  local jar="$work/jar-$1"
  local token
  token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//')
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=$DEMO_PASSWORD" "http://127.0.0.1:$port/login"
  sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }'
}
partner=$(cookie_of partner@demo.test)
distributor=$(cookie_of distributor@demo.test)
fulfiller=$(cookie_of fulfiller@demo.test)
admin=$(cookie_of admin@demo.test)
for c in "$partner" "$distributor" "$fulfiller" "$admin"; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $c" "http://127.0.0.1:$port/account")" = 200 ] ||
    { echo "signing in failed" >&2; exit 1; }
done

org=$(sql "SELECT id FROM organizations WHERE name = 'Demo Traders'")
home=$(sql "SELECT partner_id FROM users WHERE email = 'partner@demo.test'")
deep=$(sql "SELECT public_id FROM leads WHERE organization_id = $org ORDER BY id DESC LIMIT 1 OFFSET 60000")
lead=$(sql "SELECT public_id FROM leads WHERE organization_id = $org AND partner_id = $home ORDER BY id DESC LIMIT 1")
order=$(sql "SELECT public_id FROM orders WHERE organization_id = $org AND partner_id = $home ORDER BY id DESC LIMIT 1")
product=$(sql "SELECT public_id FROM products WHERE organization_id = $org AND name = 'Managed Firewall'")
duration=$(sql "SELECT public_id FROM durations WHERE organization_id = $org AND months = 12")

printf "%-12s %-58s %6s %10s %9s %9s %12s\n" who page status "req/s" p50 p99 "alone, p50"
measure() {
  local who="$1" cookie="$2" path="$3" status out alone
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
  out=$(wrk -t2 -c32 -d5s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
  alone=$(wrk -t1 -c1 -d3s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$path" | awk '$1 == "50%" { print $2 }')
  printf "%-12s %-58s %6s %10s %9s %9s %12s\n" "$who" "${path:0:58}" "$status" \
    "$(echo "$out" | awk '/Requests\/sec/ { print $2 }')" \
    "$(echo "$out" | awk '$1 == "50%" { print $2 }')" \
    "$(echo "$out" | awk '$1 == "99%" { print $2 }')" "$alone"
}
for who in partner distributor admin; do
  cookie=${!who}
  measure "$who" "$cookie" "/partner"
  measure "$who" "$cookie" "/partner?period=year"
  measure "$who" "$cookie" "/partner/leads"
  measure "$who" "$cookie" "/partner/leads/board"
  measure "$who" "$cookie" "/partner/orders"
  measure "$who" "$cookie" "/partner/contracts"
  measure "$who" "$cookie" "/partner/contracts?view=expiring"
  measure "$who" "$cookie" "/partner/contracts?q=no+such+partner"
  measure "$who" "$cookie" "/partner/contracts?dir=desc&size=100"
done
measure partner "$partner" "/partner/leads?status=qualified&q=company+1"
measure admin "$admin" "/partner/leads?after=$deep"
measure partner "$partner" "/partner/leads/$lead"
measure partner "$partner" "/partner/orders/$order"
measure partner "$partner" "/partner/activities/overdue"
measure partner "$partner" "/partner/calculator?product=$product&quantity=25&duration=$duration"
measure fulfiller "$fulfiller" "/partner"
measure fulfiller "$fulfiller" "/partner/orders/queue"
measure admin "$admin" "/partner/catalog"
measure admin "$admin" "/admin/integrations/events"
