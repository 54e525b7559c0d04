# shellcheck shell=bash
# Shared helpers for scripts/run, scripts/cluster, scripts/test and scripts/e2e. Source it; do not run it.

PARLEY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PARLEY_JAR="$PARLEY_ROOT/verticles/node/target/parley-node.jar"
PARLEY_KEYS_DIR="$PARLEY_ROOT/conf/dev-keys"

parley_die() {
  echo "${0##*/}: ERROR: $*" >&2
  exit 1
}

parley_mvn() {
  if [[ -x "$PARLEY_ROOT/mvnw" ]]; then
    echo "$PARLEY_ROOT/mvnw"
  elif command -v mvn >/dev/null 2>&1; then
    echo mvn
  else
    parley_die "neither ./mvnw nor mvn found"
  fi
}

# Runs scripts/services (MariaDB, Redis, DB user) unless PARLEY_SKIP_SERVICES=1,
# and the local Kafka broker when the node is told to use Kafka
# (PARLEY_KAFKA_ENABLED=true, the app's override of kafka.enabled).
parley_services() {
  if [[ "${PARLEY_SKIP_SERVICES:-0}" != 1 ]]; then
    "$PARLEY_ROOT/scripts/services" || parley_die "scripts/services failed (set PARLEY_SKIP_SERVICES=1 to skip)"
    if [[ "${PARLEY_KAFKA_ENABLED:-}" == true ]]; then
      "$PARLEY_ROOT/scripts/kafka" start || parley_die "scripts/kafka start failed"
    fi
  fi
}

# True (0) when the jar is missing or older than any source file or build pom.
parley_jar_stale() {
  [[ -f "$PARLEY_JAR" ]] || return 0
  local newer
  newer="$(cd "$PARLEY_ROOT" || exit 0
    find pom.xml verticles/*/pom.xml verticles/*/src libs/*/pom.xml libs/*/src web/target/vendor -type f -newer "$PARLEY_JAR" -print -quit \
      2>/dev/null)" || true
  [[ -n "$newer" ]]
}

parley_build_if_needed() {
  if parley_jar_stale; then
    local mvn
    mvn="$(parley_mvn)"
    echo "${0##*/}: building parley-node.jar ($(basename "$mvn") -q -B -DskipTests package) ..." >&2
    (cd "$PARLEY_ROOT" && "$mvn" -q -B -DskipTests package) || parley_die "build failed"
    [[ -f "$PARLEY_JAR" ]] || parley_die "build finished but $PARLEY_JAR is missing"
    # The jar may keep an older mtime than a file touched during the build.
    touch "$PARLEY_JAR"
  else
    echo "${0##*/}: parley-node.jar is up to date" >&2
  fi
}

# The browser page's npm libraries (web/package.json, pinned in web/package-lock.json): `npm ci` in web/ when
# the lockfile is newer than the install, then the two browser files the page loads are copied to
# web/target/vendor/ (git-ignored), which the http module packages as webroot/vendor/. A file is copied only
# when its content changed, so an unchanged install does not make the jar stale. Without npm, installs
# Debian's nodejs and npm (root only).
parley_web_deps() {
  local web="$PARLEY_ROOT/web" vendor="$PARLEY_ROOT/web/target/vendor"
  if ! command -v npm >/dev/null 2>&1; then
    [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1 ||
      parley_die "npm is needed for the browser client's libraries: apt-get install -y nodejs npm"
    echo "${0##*/}: installing nodejs and npm (apt-get) ..." >&2
    timeout 600 apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq nodejs npm >/dev/null ||
      parley_die "apt-get install nodejs npm failed"
  fi
  if [[ ! -f "$web/node_modules/.package-lock.json" || "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]]; then
    echo "${0##*/}: installing the browser client's npm packages (npm ci in web/) ..." >&2
    (cd "$web" && timeout 600 npm ci --no-audit --no-fund --loglevel=error >&2) || parley_die "npm ci in web/ failed"
  fi
  mkdir -p "$vendor"
  local file src dst
  for file in sockjs-client/dist/sockjs.min.js @vertx/eventbus-bridge-client.js/vertx-eventbus.js; do
    src="$web/node_modules/$file"
    dst="$vendor/$(basename "$file")"
    [[ -s "$src" ]] || parley_die "$src is missing after npm ci"
    cmp -s "$src" "$dst" || cp "$src" "$dst"
  done
}

# An EC P-256 key pair in conf/dev-keys/ (git-ignored): <name>.key, <name>-private.pem (PKCS#8),
# <name>-public.pem (SPKI); kept when it exists.
parley_dev_key_pair() {
  local name="$1" what="$2"
  local raw="$PARLEY_KEYS_DIR/$name.key"
  local priv="$PARLEY_KEYS_DIR/$name-private.pem"
  local pub="$PARLEY_KEYS_DIR/$name-public.pem"
  [[ -s "$priv" && -s "$pub" ]] && return 0
  command -v openssl >/dev/null 2>&1 ||
    parley_die "openssl is needed to create the development $what keys: apt-get install -y openssl"
  mkdir -p "$PARLEY_KEYS_DIR"
  chmod 700 "$PARLEY_KEYS_DIR"
  (
    umask 077
    openssl ecparam -name prime256v1 -genkey -noout -out "$raw"
    openssl pkcs8 -topk8 -nocrypt -in "$raw" -out "$priv"
    openssl ec -in "$raw" -pubout -out "$pub" 2>/dev/null
  ) || parley_die "openssl failed to create the $what keys"
  chmod 644 "$pub"
  echo "${0##*/}: created development $what keys in conf/dev-keys/" >&2
}

# Development JWT key pair (ES256).
parley_dev_keys() {
  parley_dev_key_pair jwt-es256 JWT
}

# Development VAPID key pair for Web Push (push.vapid.*).
parley_dev_vapid_keys() {
  parley_dev_key_pair vapid VAPID
}

# Profile name (conf/<name>.json) or path -> path of an existing file.
parley_profile_path() {
  local p="$1"
  if [[ "$p" != *.json && "$p" != */* ]]; then
    p="$PARLEY_ROOT/conf/$p.json"
  fi
  if [[ ! -f "$p" ]]; then
    local f names=""
    for f in "$PARLEY_ROOT"/conf/*.json; do
      [[ "$f" == */parley.json ]] || names+=" $(basename "$f" .json)"
    done
    parley_die "profile not found: $p (profiles:$names)"
  fi
  echo "$(cd "$(dirname "$p")" && pwd)/$(basename "$p")"
}

# JVM flags from conf/jvm.options (comments and blank lines skipped) into
# the array PARLEY_JVM_FLAGS.
parley_jvm_flags() {
  PARLEY_JVM_FLAGS=()
  local line parts
  [[ -f "$PARLEY_ROOT/conf/jvm.options" ]] || parley_die "conf/jvm.options is missing"
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    read -ra parts <<<"$line"
    PARLEY_JVM_FLAGS+=("${parts[@]}")
  done <"$PARLEY_ROOT/conf/jvm.options"
}

# parley_http_get URL -> prints "<status> <body>"; status 000 when unreachable.
parley_http_get() {
  local url="$1"
  if command -v curl >/dev/null 2>&1; then
    local body status
    body="$(mktemp)"
    status="$(curl -s -m 5 -o "$body" -w '%{http_code}' "$url" 2>/dev/null || true)"
    echo "${status:-000} $(tr -d '\n' <"$body")"
    rm -f "$body"
    return 0
  fi
  # Fallback: plain HTTP/1.0 over bash /dev/tcp (host:port/path URLs only).
  local rest host port path
  rest="${url#http://}"
  host="${rest%%/*}"
  path="/"
  [[ "$rest" == */* ]] && path="/${rest#*/}"
  port="${host##*:}"
  host="${host%:*}"
  (
    exec 3<>"/dev/tcp/$host/$port" || {
      echo "000 "
      exit 0
    }
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host" >&3
    local status="" line body
    IFS=' ' read -r -t 5 _ status _ <&3 || true
    while IFS= read -r -t 5 line <&3; do
      line="${line%$'\r'}"
      [[ -z "$line" ]] && break
    done
    body="$(timeout 5 cat <&3 || true)"
    echo "${status:-000} ${body//$'\n'/}"
  ) 2>/dev/null || echo "000 "
}
