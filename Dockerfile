# Zero-Waste Exchange: one image for the API (`npm run start:prod`), the workers (`npm run worker:prod`)
# and the one-shot migration (`npm run migrate:prod`). It runs the compiled JavaScript in dist/
# (docs/decisions/0027-compiled-production-build.md): no tsx, TypeScript or Vite at run time.
# docker-compose.yml runs all three against PostgreSQL and Redis behind nginx (docs/deploy.md); on its
# own the image starts the embedded deployment (PGlite in /app/data, in-process jobs, simulated
# payments); docker-compose.yml sets NODE_ENV=production.

# ---- build: every dependency, the compiled server and the built client ------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The typecheck gate runs in CI (.ci/run); here only the artefacts are made.
RUN npm run build:server && npm run build:client && node scripts/build-server.mjs --copy-client

# ---- production dependencies only -------------------------------------------------------------------
FROM node:24-bookworm-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- the image -----------------------------------------------------------------------------------------
FROM node:24-bookworm-slim

# CJK fonts: printable manifests (PDF) carry Chinese names and addresses. Without these the server
# prints with the narrower Noto Sans S Chinese from the npm dependency @embedpdf/fonts-sc (ADR 0016).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN chown node:node /app
USER node

COPY --chown=node:node package.json package-lock.json ./
COPY --chown=node:node --from=deps /src/node_modules ./node_modules
# dist/ holds the compiled server, shared and seed code, the migrations, shared/data and client/dist.
COPY --chown=node:node --from=build /src/dist ./dist
RUN mkdir -p /app/data

ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
EXPOSE 3000
VOLUME ["/app/data"]

HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node itself, not `npm start`: SIGTERM reaches the server directly (npm would have to pass it on),
# and it stops within 10 s (server/src/shutdown.ts). CI runs this same command (.ci/run).
CMD ["node", "--enable-source-maps", "dist/server/src/main.js"]
