#!/usr/bin/env bash
# Installs the two Temporal servers Flowline's tests and `npm start` use, under .tools/:
#   .tools/bin/temporal              the Temporal CLI dev server (go install, SQLite, Web UI)
#   .tools/bin/temporal-test-server  the time-skipping test server (Maven, run with java)
# Each is reused when already there; TEMPORAL_CLI may point at any existing CLI binary.
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

install_cli
install_test_server
