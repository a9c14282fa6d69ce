#!/usr/bin/env bash
# Starts or stops telegram-test-api (a Telegram Bot API emulator) for tibot's
# Telegram smoke test (cmd/tibot/telegram_emulator_test.go, which reads
# TIBOT_TG_EMULATOR_URL).
#
#   .ci/telegram-emulator.sh start   npm ci into .ci/telegram-test-api, start
#                                    node server.js on 127.0.0.1:$TG_EMU_PORT
#                                    (default 9311), wait until getMe answers
#   .ci/telegram-emulator.sh stop    stop the process started by start
set -euo pipefail

dir="$(cd "$(dirname "$0")" && pwd)/telegram-test-api"
port="${TG_EMU_PORT:-9311}"
url="http://127.0.0.1:${port}"
state="${TMPDIR:-/tmp}/tibot-telegram-emulator-${port}"
pidfile="${state}.pid"
logfile="${state}.log"
probe="${url}/bot123456789:AAEmulatorReadinessProbe0000000000/getMe"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
  command -v node >/dev/null || { echo "telegram-emulator: node is not installed" >&2; exit 1; }
  command -v npm >/dev/null || { echo "telegram-emulator: npm is not installed" >&2; exit 1; }
  if running; then
    echo "telegram-test-api already running on ${url} (pid $(cat "$pidfile"))"
    return
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  TG_EMU_PORT="$port" nohup node "$dir/server.js" >"$logfile" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do # up to 10 s
    if curl -fsS -o /dev/null "$probe" 2>/dev/null; then
      echo "telegram-test-api listening on ${url} (pid $(cat "$pidfile"), log ${logfile})"
      return
    fi
    if ! running; then
      echo "telegram-emulator: node server.js exited:" >&2
      cat "$logfile" >&2
      rm -f "$pidfile"
      exit 1
    fi
    sleep 0.1
  done
  echo "telegram-emulator: ${url} did not answer within 10 s" >&2
  cat "$logfile" >&2
  stop
  exit 1
}

stop() {
  if ! [ -f "$pidfile" ]; then
    return
  fi
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do # up to 5 s for a graceful stop
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
  echo "telegram-test-api stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
