# syntax=docker/dockerfile:1
# Parley node image.
#   docker build -t parley .
#   docker run --rm -p 8080:8080 -p 8090:8090 -p 9090:9090 -e PARLEY_PROFILE=all-in-one \
#     -e PARLEY_MYSQL_HOST=... -e PARLEY_REDIS_URL=redis://...:6379 -e PARLEY_AUTH_... -v <keys>:/keys:ro parley
# Any config key a.b.c can be overridden with PARLEY_A_B_C; extra JVM flags via JAVA_OPTS. The image has no
# JWT keys: name yours with PARLEY_AUTH_* (docs/deployment.md).

# ---- browser libraries --------------------------------------------------------
# The chat page's two npm libraries (scripts/web-deps does the same outside Docker).
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && mkdir -p target/vendor \
 && cp node_modules/sockjs-client/dist/sockjs.min.js \
       node_modules/@vertx/eventbus-bridge-client.js/vertx-eventbus.js target/vendor/

# ---- build ------------------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# The whole tree (minus .dockerignore) is copied: dependency:go-offline does not
# work for a multi-module build whose modules depend on each other. Instead the
# BuildKit cache mount keeps ~/.m2 (Maven itself and all dependencies) between builds.
COPY . .
COPY --from=web /web/target/vendor web/target/vendor
RUN --mount=type=cache,target=/root/.m2 \
    chmod +x mvnw \
 && ./mvnw -B -q -DskipTests package \
 && cp verticles/node/target/parley-node.jar /parley-node.jar

# ---- runtime ----------------------------------------------------------------
FROM eclipse-temurin:17-jre
RUN groupadd --system parley \
 && useradd --system --gid parley --home-dir /app --no-create-home --shell /usr/sbin/nologin parley \
 && mkdir -p /app/data \
 && chown -R parley:parley /app
WORKDIR /app
COPY --from=build --chown=parley:parley /parley-node.jar /app/parley-node.jar
COPY --chown=parley:parley conf/ /app/conf/
USER parley

ENV PARLEY_PROFILE=all-in-one \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"
EXPOSE 8080 8090 9090 5701

# Liveness via the management port; the JRE image has no curl, so bash /dev/tcp.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PARLEY_MANAGEMENT_PORT:-9090} && printf 'GET /health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200'"]

# Shell form so $JAVA_OPTS / $PARLEY_PROFILE expand, exec so SIGTERM reaches java.
# JVM flags (Hazelcast --add-opens) come from conf/jvm.options as a java @argfile.
# The profile is a name in conf/ (e.g. edge -> conf/edge.json) or a path;
# `docker run parley core` overrides PARLEY_PROFILE.
ENTRYPOINT ["/bin/sh", "-c", "exec java $JAVA_OPTS @/app/conf/jvm.options -jar /app/parley-node.jar \"${1:-$PARLEY_PROFILE}\"", "parley"]
CMD []
