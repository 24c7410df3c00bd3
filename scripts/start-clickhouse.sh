#!/usr/bin/env bash
# Start a throwaway local ClickHouse server (Debian's clickhouse-server package) on 127.0.0.1.
# Idempotent: does nothing if one is already answering. Users: `default` (no password) and
# `nexatron` (password `nexatron`, for authentication tests).
# Env: NEXATRON_CLICKHOUSE_DIR (default /tmp/nexatron-clickhouse),
#      NEXATRON_CLICKHOUSE_TCP_PORT (9000), NEXATRON_CLICKHOUSE_HTTP_PORT (8123).
set -euo pipefail

DIR="${NEXATRON_CLICKHOUSE_DIR:-/tmp/nexatron-clickhouse}"
TCP_PORT="${NEXATRON_CLICKHOUSE_TCP_PORT:-9000}"
HTTP_PORT="${NEXATRON_CLICKHOUSE_HTTP_PORT:-8123}"

ping_ok() { curl -fsS "http://127.0.0.1:${HTTP_PORT}/ping" >/dev/null 2>&1; }

if ping_ok; then
  echo "clickhouse already running on 127.0.0.1:${TCP_PORT}"
  exit 0
fi

if ! command -v clickhouse-server >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server >/dev/null
fi

mkdir -p "$DIR/data" "$DIR/tmp" "$DIR/user_files" "$DIR/format_schemas" "$DIR/log"

cat >"$DIR/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$DIR/log/server.log</log>
        <errorlog>$DIR/log/server.err.log</errorlog>
        <size>10M</size>
        <count>2</count>
    </logger>
    <http_port>${HTTP_PORT}</http_port>
    <tcp_port>${TCP_PORT}</tcp_port>
    <listen_host>127.0.0.1</listen_host>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>8589934592</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$DIR/data/</path>
    <tmp_path>$DIR/tmp/</tmp_path>
    <user_files_path>$DIR/user_files/</user_files_path>
    <format_schema_path>$DIR/format_schemas/</format_schema_path>
    <users_config>$DIR/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
</yandex>
XML

cat >"$DIR/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default><max_memory_usage>2000000000</max_memory_usage></default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
        <nexatron>
            <password>nexatron</password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </nexatron>
    </users>
    <quotas><default></default></quotas>
</yandex>
XML

RUN_AS=()
if [ "$(id -u)" = "0" ] && id clickhouse >/dev/null 2>&1; then
  chown -R clickhouse: "$DIR"
  RUN_AS=(runuser -u clickhouse --)
fi

"${RUN_AS[@]}" clickhouse-server --config-file="$DIR/config.xml" --pid-file="$DIR/server.pid" --daemon

for _ in $(seq 1 60); do
  if ping_ok; then
    echo "clickhouse started on 127.0.0.1:${TCP_PORT} (http ${HTTP_PORT}), data in $DIR"
    exit 0
  fi
  sleep 0.5
done
echo "clickhouse did not start; see $DIR/log/server.err.log" >&2
tail -n 20 "$DIR/log/server.err.log" >&2 || true
exit 1
