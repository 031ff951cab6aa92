# syntax=docker/dockerfile:1
# The portal as a container image: Next's standalone build and nothing else (docs/deployment.md).
#   docker build -t webex-sso .
#   docker run -p 3000:3000 --env-file portal.env -v webex-sso-data:/app/data --stop-timeout 45 webex-sso
# No secret is baked in: every setting comes from the environment at run time (.env.example).
# scripts/standalone-check.ts runs the same start path (the folder, this ENV, this HEALTHCHECK) in `npm test`.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles its native module from source when no prebuilt binary can be downloaded
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# next build, then scripts/standalone.ts: .next/standalone holds server.js, its traced node_modules,
# .next/static, public/ and the compiled mappings CLI (mappings.js)
RUN npm run build

FROM ${NODE_IMAGE} AS run
WORKDIR /app
ENV NODE_ENV=production HOSTNAME=0.0.0.0 PORT=3000 NEXT_TELEMETRY_DISABLED=1
# A user of its own. The code stays root's (read-only to the portal); it writes only the SQLite
# volume and Next's cache.
RUN groupadd --system --gid 1001 portal \
 && useradd --system --uid 1001 --gid portal --no-create-home --shell /usr/sbin/nologin portal
COPY --from=build /app/.next/standalone ./
RUN mkdir -p /app/data /app/.next/cache && chown portal:portal /app/data /app/.next/cache
USER portal
# DATABASE_URL defaults to file:./data/webex-sso.sqlite, here; with PostgreSQL the volume stays empty
VOLUME ["/app/data"]
EXPOSE 3000
# The portal drains on SIGTERM: launches in flight finish within WEBEX_QUEUE_WAIT_MS + 3 × WEBEX_TIMEOUT_MS + 5 s
# (36 s with the defaults), so give it more than that before a kill: `docker run --stop-timeout 45`,
# compose `stop_grace_period: 45s`, Kubernetes `terminationGracePeriodSeconds: 45`.
STOPSIGNAL SIGTERM
# Liveness only (the process answers); readiness with the database is /api/ready, for a load balancer
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
