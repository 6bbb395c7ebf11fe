#!/usr/bin/env bash
# Installs the Temporal binaries Flowline's tests, `npm start` and `npm run cluster` use, under .tools/:
#   .tools/bin/temporal              the Temporal CLI dev server (go install, SQLite, Web UI)
#   .tools/bin/temporal-test-server  the time-skipping test server (Maven, run with java)
#   .tools/bin/temporal-server       the Temporal server itself (go install; `npm run cluster`, on PostgreSQL)
#   .tools/bin/temporal-sql-tool     its SQL schema tool (sets up and updates the schema in PostgreSQL)
#   .tools/bin/temporal-ui-server    Temporal Web on its own (the cluster's Web UI)
# Each is reused when already there; TEMPORAL_CLI may point at any existing CLI binary.
# `bash scripts/install-temporal.sh cluster` installs only the last three (what `npm run cluster` needs).
set -euo pipefail
cd "$(dirname "$0")/.."

CLI_MODULE=github.com/temporalio/cli/cmd/temporal
CLI_VERSION=v1.5.1
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS/bin"

cli_version() { "$1" --version 2>/dev/null | head -n 1; }

install_cli() {
  local target="$TOOLS/bin/temporal"
  if [ -n "${TEMPORAL_CLI:-}" ]; then
    [ -x "$TEMPORAL_CLI" ] || { echo "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file" >&2; exit 1; }
    ln -sf "$TEMPORAL_CLI" "$target"
    rm -f "$target.version"
    echo "temporal CLI: using TEMPORAL_CLI ($(cli_version "$TEMPORAL_CLI"))"
    return
  fi
  # `go install` stamps no version into the binary, so a file beside it records what was built.
  if [ -x "$target" ] && [ "$(cat "$target.version" 2>/dev/null)" = "$CLI_VERSION" ]; then
    echo "temporal CLI: reusing $target ($CLI_VERSION)"
    return
  fi
  command -v go >/dev/null || { echo "Go is needed to build the Temporal CLI (or set TEMPORAL_CLI)" >&2; exit 1; }
  echo "temporal CLI: building $CLI_MODULE@$CLI_VERSION with go install (takes minutes the first time)"
  GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod go install "$CLI_MODULE@$CLI_VERSION"
  echo "$CLI_VERSION" > "$target.version"
  echo "temporal CLI: $(cli_version "$target")"
}

install_test_server() {
  local lib="$TOOLS/test-server/lib" launcher="$TOOLS/bin/temporal-test-server"
  if ! ls "$lib"/temporal-test-server-*.jar >/dev/null 2>&1; then
    command -v mvn >/dev/null || { echo "Maven is needed to fetch the Temporal test server" >&2; exit 1; }
    command -v java >/dev/null || { echo "Java is needed to run the Temporal test server" >&2; exit 1; }
    echo "temporal test server: fetching io.temporal:temporal-test-server from Maven Central"
    mvn -q -B -f scripts/temporal-test-server/pom.xml dependency:copy-dependencies -DoutputDirectory="$lib"
  else
    echo "temporal test server: reusing $lib"
  fi
  # The SDK starts "an executable" with: PORT --enable-time-skipping
  cat > "$launcher" <<'LAUNCHER'
#!/usr/bin/env bash
here="$(cd "$(dirname "$0")/.." && pwd)"
# The server has no SLF4J binding and says so on every start; keep the rest of stderr.
exec java -Xss1m -cp "$here/test-server/lib/*" io.temporal.testserver.TestServer "$@" 2> >(grep -v '^SLF4J:' >&2)
LAUNCHER
  chmod +x "$launcher"
}

# The server and its SQL tool at the version the CLI above embeds (its go.mod requires
# go.temporal.io/server v1.29.1), so the cluster runs the server the tests run; Temporal Web at the
# last ui-server release the Go toolchain here builds. `go install` names a binary after its
# package's folder (server, sql, v2), so each is built into a scratch folder and renamed.
SERVER_MODULE=go.temporal.io/server
SERVER_VERSION=v1.29.1
UI_MODULE=github.com/temporalio/ui-server/v2
UI_VERSION=v2.42.1

install_go_binary() { # target-name module/package version what
  local name="$1" package="$2" version="$3" what="$4" target="$TOOLS/bin/$1"
  if [ -x "$target" ] && [ "$(cat "$target.version" 2>/dev/null)" = "$version" ]; then
    echo "$what: reusing $target ($version)"
    return
  fi
  command -v go >/dev/null || { echo "Go is needed to build $what" >&2; exit 1; }
  echo "$what: building $package@$version with go install (takes minutes the first time)"
  local scratch
  scratch="$(mktemp -d "$TOOLS/build.XXXXXX")"
  if ! GOBIN="$scratch" GOFLAGS=-mod=mod go install "$package@$version"; then
    rm -rf "$scratch"
    echo "$what: go install $package@$version failed (above)" >&2
    exit 1
  fi
  mv "$scratch"/* "$target"
  rm -rf "$scratch"
  echo "$version" > "$target.version"
}

# The server's SQL schema (persistence and visibility, with the versioned updates the SQL tool
# applies), copied out of Go's module cache, where `go install` left the module.
install_schema() {
  local target="$TOOLS/temporal-schema"
  if [ "$(cat "$target.version" 2>/dev/null)" = "$SERVER_VERSION" ] && [ -d "$target/postgresql/v12/temporal" ]; then
    return
  fi
  local module
  module="$(go env GOMODCACHE)/$SERVER_MODULE@$SERVER_VERSION"
  [ -d "$module/schema/postgresql/v12" ] || GOFLAGS=-mod=mod go mod download "$SERVER_MODULE@$SERVER_VERSION"
  rm -rf "$target"
  mkdir -p "$target/postgresql"
  cp -R "$module/schema/postgresql/v12" "$target/postgresql/v12"
  chmod -R u+w "$target"
  echo "$SERVER_VERSION" > "$target.version"
  echo "temporal SQL schema: copied to $target ($SERVER_VERSION)"
}

install_cluster() {
  install_go_binary temporal-server "$SERVER_MODULE/cmd/server" "$SERVER_VERSION" "temporal server"
  install_schema
  install_go_binary temporal-sql-tool "$SERVER_MODULE/cmd/tools/sql" "$SERVER_VERSION" "temporal SQL tool"
  install_go_binary temporal-ui-server "$UI_MODULE/cmd/server" "$UI_VERSION" "temporal web (ui-server)"
}

if [ "${1:-}" = cluster ]; then
  install_cluster
  exit 0
fi
install_cli
install_test_server
install_cluster
