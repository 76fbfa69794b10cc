#!/usr/bin/env bash
# Measures the sales and verification pages at scale: a fresh database with the demo data plus
# 10,000 clients, 100,000 deals, 300,000 payments (with their invoices) and 100,000 calls in
# "Demo Traders" (`dealdesk generate-load`), then, signed in as a manager (the whole
# organization), as a salesperson (their own), as a verifier (the queue, a payment, invoices, the
# dashboard) and as the CEO (the reports),
# wrk with 32 connections for 10 s per page (requests/s, p50, p99) and with one connection (the
# median of one request alone).
# Usage: cargo build --release && scripts/measure-sales-pages.sh sqlite|postgres
# ONLY=calls measures only the pages whose path holds "calls" (a quicker look at one area).
# Needs wrk (apt-get install wrk), curl, and psql for PostgreSQL.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# BIN=path/to/dealdesk measures another build (say, the commit before a change) the same way.
bin="${BIN:-$root/target/release/dealdesk}"
backend="${1:-sqlite}"
port=18183
work=$(mktemp -d)
export DEMO_PASSWORD=measure-pass-1 UPLOAD_DIR="$work/uploads"
export BIND="127.0.0.1:$port" RUST_LOG=warn
export SESSION_KEY="measurement-only-session-key-0123456789abcdef"
export INTEGRATIONS_KEY="0000000000000000000000000000000000000000000000000000000000000001"
pgdb=""
if [ "$backend" = postgres ]; then
  pgdb="dealdesk_measure_$$"
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
"$bin" generate-load --clients 10000 --deals 100000 --payments 300000 --calls 100000
echo "generate-load: $(echo "$(date +%s.%N) - $start" | bc) s"
if [ "$backend" = postgres ]; then sql "ANALYZE" >/dev/null; fi

"$bin" serve >/dev/null 2>&1 &
pid=$!
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = 200 ]; do sleep 0.05; done

# Signs in and prints the session cookie as a Cookie header value.
cookie_of() {
  local jar="$work/jar-$1"
  local token
  token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//')
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$1" --data-urlencode "password=$DEMO_PASSWORD" "http://127.0.0.1:$port/login"
  # curl marks HttpOnly cookies with a "#HttpOnly_" prefix; other "#" lines are comments.
  sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }'

}
manager=$(cookie_of manager@demo.test)
seller=$(cookie_of sales@demo.test)
verifier=$(cookie_of verifier@demo.test)
ceo=$(cookie_of ceo@demo.test)
for c in "$manager" "$seller" "$verifier" "$ceo"; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $c" "http://127.0.0.1:$port/account")" = 200 ] ||
    { echo "signing in failed" >&2; exit 1; }
done

deep=$(sql "SELECT public_id FROM deals WHERE organization_id = 1 ORDER BY id DESC LIMIT 1 OFFSET 60000")
deal=$(sql "SELECT d.public_id FROM deals d JOIN users u ON u.id = d.created_by_id WHERE u.email = 'sales@demo.test' ORDER BY d.id DESC LIMIT 1")
pending=$(sql "SELECT public_id FROM payments WHERE organization_id = 1 AND status = 'pending' ORDER BY id DESC LIMIT 1")
invoice=$(sql "SELECT public_id FROM invoices WHERE organization_id = 1 ORDER BY id DESC LIMIT 1 OFFSET 1000")
# What a person types into a search box: a client's whole name, a deal's and a payment's number.
client_name=$(sql "SELECT c.name FROM clients c JOIN deals d ON d.client_id = c.id WHERE c.organization_id = 1 AND c.name LIKE 'Load Client%' ORDER BY d.id DESC LIMIT 1" | sed 's/ /+/g')
deal_number=$(sql "SELECT deal_number FROM deals WHERE organization_id = 1 ORDER BY id DESC LIMIT 1 OFFSET 30000")
txn=$(sql "SELECT p.transaction_number FROM payments p JOIN users u ON u.id = p.created_by_id WHERE u.email = 'sales@demo.test' ORDER BY p.id DESC LIMIT 1 OFFSET 5000")

printf "%-12s %-58s %6s %10s %9s %9s %12s\n" who page status "req/s" p50 p99 "alone, p50"
measure() {
  local who="$1" cookie="$2" path="$3" status out alone
  [[ "$path" == *"${ONLY:-}"* ]] || return 0
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
  out=$(wrk -t2 -c32 -d10s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
  alone=$(wrk -t1 -c1 -d5s --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$path" | awk '$1 == "50%" { print $2 }')
  printf "%-12s %-58s %6s %10s %9s %9s %12s\n" "$who" "$path" "$status" \
    "$(echo "$out" | awk '/Requests\/sec/ { print $2 }')" \
    "$(echo "$out" | awk '$1 == "50%" { print $2 }')" \
    "$(echo "$out" | awk '$1 == "99%" { print $2 }')" "$alone"
}
measure anyone "" "/healthz"
for who in manager seller; do
  cookie=${!who}
  measure "$who" "$cookie" "/sales/deals"
  measure "$who" "$cookie" "/sales/deals?status=in_progress&min=1000&sort=amount"
  measure "$who" "$cookie" "/sales/deals?after=$deep"
  measure "$who" "$cookie" "/sales/deals/board"
  measure "$who" "$cookie" "/sales/deals?q=$client_name"
  measure "$who" "$cookie" "/sales/deals?q=$deal_number"
  measure "$who" "$cookie" "/sales/deals?q=no+such+client"
  measure "$who" "$cookie" "/sales/deals?sort=date&dir=asc"
  measure "$who" "$cookie" "/sales/deals?sort=amount&dir=asc&size=200"
  measure "$who" "$cookie" "/sales/clients"
  measure "$who" "$cookie" "/sales/deals/$deal"
  measure "$who" "$cookie" "/sales"
  measure "$who" "$cookie" "/sales/payments"
  measure "$who" "$cookie" "/sales/calls"
  measure "$who" "$cookie" "/sales/calls?q=$client_name&dir=asc"
  measure "$who" "$cookie" "/commissions"
done
measure verifier "$verifier" "/verifier"
measure verifier "$verifier" "/verifier?status=verified&method=cash"
measure verifier "$verifier" "/verifier?q=$client_name"
measure verifier "$verifier" "/verifier?q=$deal_number&status=verified"
measure verifier "$verifier" "/verifier?sort=amount"
measure verifier "$verifier" "/verifier?status=verified&sort=date&dir=desc"
measure seller "$seller" "/sales/payments?q=$txn"
measure seller "$seller" "/sales/payments?q=$client_name"
measure seller "$seller" "/sales/payments?sort=amount&dir=asc"
measure verifier "$verifier" "/verifier/payments/$pending"
measure verifier "$verifier" "/invoices"
measure verifier "$verifier" "/invoices?status=issued"
measure verifier "$verifier" "/invoices/$invoice"
measure verifier "$verifier" "/verifier/dashboard"
measure verifier "$verifier" "/verifier/dashboard?period=year"
measure ceo "$ceo" "/reports"
measure ceo "$ceo" "/reports?period=year"
