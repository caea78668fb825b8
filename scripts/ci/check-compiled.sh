#!/usr/bin/env bash
# The compiled server, run the way the image runs it (Dockerfile CMD, docker-compose.yml): build
# dist/, apply migrations with the `migrate` command, start the API and a worker with node on the
# compiled JavaScript (no tsx, TypeScript or Vite loaded), wait for /readyz, then SIGTERM both and
# require a clean exit inside the 10 s shutdown deadline. Production settings throughout: a real
# payment provider (bank_transfer: production refuses simulated payments), a random JWT secret.
# Needs DATABASE_URL and REDIS_URL (CI's PostgreSQL + Redis); the schema lands in that database.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:?check-compiled needs DATABASE_URL}"
: "${REDIS_URL:?check-compiled needs REDIS_URL}"
PORT=${CHECK_COMPILED_PORT:-3990}
LOGS=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$LOGS"
  # This run's Redis keys (its own REDIS_PREFIX).
  if command -v redis-cli >/dev/null; then
    redis-cli -u "$REDIS_URL" --scan --pattern "zwxcompiled$$:*" 2>/dev/null | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

echo "== npm run build:server, build:client, copy the client into dist/"
npm run -s build:server
npm run -s build:client >"$LOGS/vite.log" 2>&1 || { cat "$LOGS/vite.log"; exit 1; }
node scripts/build-server.mjs --copy-client
rm -rf "$LOGS/app" && mkdir -p "$LOGS/app"
# Only what the image holds next to node_modules: package.json and dist/. The sources are out of reach.
cp -r dist package.json "$LOGS/app/"
ln -s "$PWD/node_modules" "$LOGS/app/node_modules"

export NODE_ENV=production LOG_LEVEL=warn RUN_WORKERS_IN_PROCESS=false PAYMENT_PROVIDER=bank_transfer \
  BANK_ACCOUNT_NAME="Zero-Waste Exchange CI" BANK_ACCOUNT_NUMBER=6222000000000001 BANK_NAME="CI Bank" \
  ADMIN_PASSWORD="ci-$(openssl rand -hex 12)" JWT_SECRET="$(openssl rand -base64 32)" \
  REDIS_PREFIX="zwxcompiled$$" PORT HOST=127.0.0.1 SEED_DEMO=false
cd "$LOGS/app"
# No TypeScript tooling at run time: no compiled file imports it, and no loader is registered
# (a .ts import would not resolve: the copy holds no sources).
if grep -rlE "from ['\"](tsx|typescript|vite|esbuild)(/[^'\"]*)?['\"]" dist --include='*.js'; then
  echo "the files above import development tooling"
  exit 1
fi
echo "== node dist/server/src/migrate-cli.js"
node --enable-source-maps dist/server/src/migrate-cli.js

echo "== node dist/server/src/main.js and dist/server/src/worker.js"
start=$(date +%s%N)
node --enable-source-maps dist/server/src/main.js >"$LOGS/api.log" 2>&1 &
pids+=($!)
api=$!
node --enable-source-maps dist/server/src/worker.js >"$LOGS/worker.log" 2>&1 &
pids+=($!)
worker=$!
ready=""
for _ in $(seq 1 120); do
  if ready=$(curl -fsS "http://127.0.0.1:$PORT/readyz" 2>/dev/null); then break; fi
  kill -0 "$api" 2>/dev/null || { echo "the API exited:"; cat "$LOGS/api.log"; exit 1; }
  sleep 0.5
done
[ -n "$ready" ] || { echo "/readyz did not answer 200 within 60 s"; cat "$LOGS/api.log"; exit 1; }
echo "/readyz after $((($(date +%s%N) - start) / 1000000)) ms: $ready"
curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" || { echo "the web client is not served"; exit 1; }
echo "the web client is served from dist/client/dist"
# The CJK font for printable manifests: the system's, or the one in the production dependency
# @embedpdf/fonts-sc, resolved from dist/ as the server resolves it.
node -e "import('./dist/server/src/modules/manifests/pdf-font.js').then((m) => { const f = m.bundledFontPath(); if (!f) process.exit(1); console.log('bundled manifest font resolves from dist/: ' + f); })" ||
  { echo "the bundled manifest font does not resolve from dist/"; exit 1; }

echo "== SIGTERM to both: each must exit 0 within the 10 s deadline"
kill -TERM "$api" "$worker"
for p in "$api" "$worker"; do
  t0=$(date +%s)
  rc=0
  wait "$p" || rc=$?
  echo "pid $p exited $rc after $(($(date +%s) - t0)) s"
  [ "$rc" = 0 ] || { cat "$LOGS/api.log" "$LOGS/worker.log"; exit 1; }
done
pids=()
echo "compiled server: migrate, /readyz, web client and shutdown all fine"
