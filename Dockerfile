# oracle-sidecar: build with the full toolchain, run on a slim Node LTS as a non-root user.
# Both stages use one exact Node 24 LTS release; bump them together.
FROM node:24.19.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24.19.0-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY proto ./proto
COPY oracle.json market.json ./
COPY bin ./bin
# connect's and slinky's binary names on the PATH, for command lines written for their images;
# /app writable by the runtime user for connect's default log file (./sidecar.log).
RUN ln -s /app/bin/connect /usr/local/bin/connect \
 && ln -s /app/bin/connect /usr/local/bin/slinky \
 && ln -s /app/bin/connect /usr/local/bin/oracle-sidecar \
 && chown node:node /app
USER node
EXPOSE 8080 8002
# Liveness from /healthz on the metrics port, checked with node (no curl in the image). If
# metrics.prometheusServerAddress moves the metrics port, set HEALTHCHECK_PORT to match.
ENV HEALTHCHECK_PORT=8002
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["node", "/app/dist/src/tools/healthcheck.js"]
ENTRYPOINT ["node", "--max-semi-space-size=2", "--no-parallel-scavenge", "dist/src/main.js"]
CMD ["--oracle-config", "oracle.json", "--market-config-path", "market.json"]
