# Zero-Waste Exchange: one image for the API (`npm start`) and the workers (`npm run worker`).
# docker-compose.yml runs both against PostgreSQL and Redis; on its own the image starts the
# embedded deployment (PGlite in /app/data, in-process jobs, simulated payments).
FROM node:24-bookworm-slim

# CJK fonts: printable manifests (PDF) carry Chinese names and addresses. Without these the server
# prints with the narrower Noto Sans S Chinese from the npm dependency @embedpdf/fonts-sc (ADR 0016).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN chown node:node /app
USER node

# Dependencies first, so that a code change does not reinstall them.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY --chown=node:node . .
# The client is built here, so `npm start` finds client/dist and never needs Vite at run time; the
# development dependencies (Vite, TypeScript, test tools) are then dropped. tsx stays: the server
# runs its TypeScript through it (docs/decisions/0002-run-typescript-with-tsx.md).
RUN npm run build:client \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && mkdir -p /app/data

ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
EXPOSE 3000
VOLUME ["/app/data"]

HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["npm", "start"]
