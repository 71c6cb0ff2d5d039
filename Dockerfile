# portrait-animator serve: the AILabTools-compatible Live Photos server in a container.
#
#   docker build -t portrait-animator .
#   docker run --rm -p 8080:8080 -e PORTRAIT_ANIMATOR_SERVER_KEYS=my-app-key portrait-animator
#
# See "Running the server in a container" in packages/cli/README.md. The test
# packages/cli/test/dockerfile-tree.test.ts runs this file's stages without a Docker engine: keep
# to the instructions it understands (FROM, ARG, ENV, WORKDIR, COPY, RUN in the deps stage, USER,
# EXPOSE, HEALTHCHECK, ENTRYPOINT, CMD).

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. build: every dependency and the TypeScript build (dist/ of each package the CLI needs).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci
RUN npx tsc -b packages/cli

# 2. deps: production dependencies only (no TypeScript, test or lint tools).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/core/package.json packages/core/
COPY packages/router/package.json packages/router/
COPY packages/adapter-ailab/package.json packages/adapter-ailab/
COPY packages/adapter-fal/package.json packages/adapter-fal/
COPY packages/adapter-local/package.json packages/adapter-local/
COPY packages/adapter-magichour/package.json packages/adapter-magichour/
COPY packages/adapter-replicate/package.json packages/adapter-replicate/
COPY packages/emulator/package.json packages/emulator/
COPY packages/queue/package.json packages/queue/
COPY packages/cli/package.json packages/cli/
RUN npm ci --omit=dev

# 3. runtime: Node, the production node_modules, and what each package ships (package.json, dist,
#    runtime assets), run as the unprivileged "node" user from its home (the state folder
#    .portrait-animator and a mounted portrait-animator.json live there).
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/packages/core/package.json /app/packages/core/config.schema.json ./packages/core/
COPY --from=build /app/packages/core/dist ./packages/core/dist
COPY --from=build /app/packages/router/package.json ./packages/router/
COPY --from=build /app/packages/router/dist ./packages/router/dist
COPY --from=build /app/packages/adapter-ailab/package.json ./packages/adapter-ailab/
COPY --from=build /app/packages/adapter-ailab/dist ./packages/adapter-ailab/dist
COPY --from=build /app/packages/adapter-fal/package.json ./packages/adapter-fal/
COPY --from=build /app/packages/adapter-fal/dist ./packages/adapter-fal/dist
COPY --from=build /app/packages/adapter-fal/assets ./packages/adapter-fal/assets
COPY --from=build /app/packages/adapter-local/package.json ./packages/adapter-local/
COPY --from=build /app/packages/adapter-local/dist ./packages/adapter-local/dist
COPY --from=build /app/packages/adapter-magichour/package.json ./packages/adapter-magichour/
COPY --from=build /app/packages/adapter-magichour/dist ./packages/adapter-magichour/dist
COPY --from=build /app/packages/adapter-replicate/package.json ./packages/adapter-replicate/
COPY --from=build /app/packages/adapter-replicate/dist ./packages/adapter-replicate/dist
COPY --from=build /app/packages/emulator/package.json /app/packages/emulator/faults.example.json ./packages/emulator/
COPY --from=build /app/packages/emulator/dist ./packages/emulator/dist
COPY --from=build /app/packages/emulator/fixtures ./packages/emulator/fixtures
COPY --from=build /app/packages/queue/package.json ./packages/queue/
COPY --from=build /app/packages/queue/dist ./packages/queue/dist
COPY --from=build /app/packages/cli/package.json ./packages/cli/
COPY --from=build /app/packages/cli/dist ./packages/cli/dist
COPY --from=build /app/packages/cli/bin ./packages/cli/bin
WORKDIR /home/node
USER node
EXPOSE 8080
# Liveness only: /readyz (whether a target can serve) is for the orchestrator's readiness probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/packages/cli/dist/bin.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
