#!/usr/bin/env bash
# Measures the release binary: time from start on an empty SQLite database to /readyz answering
# 200, and resident memory when idle (after a sign-in and a few pages). Usage:
#   cargo build --release && scripts/measure-startup.sh [runs]
set -euo pipefail
bin="$(cd "$(dirname "$0")/.." && pwd)/target/release/dealdesk"
runs="${1:-5}"
port=18181
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for i in $(seq 1 "$runs"); do
  rm -f "$work"/dd.db*
  start=$(date +%s%N)
  DATABASE_URL="$work/dd.db" BIND="127.0.0.1:$port" RUST_LOG=warn "$bin" serve >/dev/null 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = 200 ]; do :; done
  end=$(date +%s%N)
  echo "run $i: ready after $(( (end - start) / 1000000 )) ms"
  if [ "$i" = "$runs" ]; then
    # Idle memory after real use: demo data, a sign-in and a few pages.
    kill "$pid"; wait "$pid" 2>/dev/null || true
    DATABASE_URL="$work/dd.db" BIND="127.0.0.1:$port" DEMO_PASSWORD=measure-pass-1 RUST_LOG=warn "$bin" serve --demo >/dev/null 2>&1 &
    pid=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)" = 200 ]; do :; done
    jar="$work/jar"
    token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//')
    curl -s -o /dev/null -c "$jar" -b "$jar" -d "csrf_token=$token&email=sales@demo.test&password=measure-pass-1" "http://127.0.0.1:$port/login"
    for p in /sales /account /account/sessions /sales; do curl -s -o /dev/null -c "$jar" -b "$jar" "http://127.0.0.1:$port$p"; done
    echo "idle resident memory: $(( $(ps -o rss= -p "$pid") / 1024 )) MB (RSS)"
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
