#!/usr/bin/env bash
# Installs the two Connect plugins Warp needs into a worker's plugin.path directory:
# the Citus sink from this build, and Debezium's PostgreSQL connector from Maven Central.
set -euo pipefail

target=${1:?usage: install-plugins.sh <plugin.path directory>}
root=$(cd "$(dirname "$0")/.." && pwd)
debezium_version=$(sed -n 's:.*<debezium.version>\(.*\)</debezium.version>.*:\1:p' "$root/pom.xml")

sink=$(ls "$root"/connectors/target/warp-connectors-*-plugin.tar.gz 2>/dev/null | head -1)
if [[ -z "$sink" ]]; then
  echo "no sink archive in connectors/target; run 'mvn -B -q package -DskipTests' first" >&2
  exit 1
fi

mkdir -p "$target"
tar -xzf "$sink" -C "$target"
echo "installed the Citus sink into $target/citus-warp-sink"

url="https://repo1.maven.org/maven2/io/debezium/debezium-connector-postgres/$debezium_version/debezium-connector-postgres-$debezium_version-plugin.tar.gz"
curl -fsSL "$url" | tar -xz -C "$target"
echo "installed Debezium PostgreSQL connector $debezium_version into $target/debezium-connector-postgres"
echo "restart the Connect workers to load them"
