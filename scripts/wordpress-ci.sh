#!/usr/bin/env bash
# Real WordPress + MariaDB (Debian packages) on 127.0.0.1 for the connector contract tests.
#
#   scripts/wordpress-ci.sh start   install packages if missing, start MariaDB and `php -S`, install a fresh site with
#                                   the Mergedesk Bridge plugin (from dist/mergedesk-bridge.zip) and the test-only
#                                   AccessAlly stand-in, seed members/orders from test/wordpress/fixture-seed.json,
#                                   write the connection to $MERGEDESK_WP_CI_DIR/connection.json
#   scripts/wordpress-ci.sh stop    kill the server's process group, drop the database, stop MariaDB if we started it
#   scripts/wordpress-ci.sh plugin on|off       activate/deactivate the Mergedesk Bridge plugin
#   scripts/wordpress-ci.sh accessally on|off   switch the test-only AccessAlly stand-in (off: user-meta branch)
#   scripts/wordpress-ci.sh test    start, run the real-WordPress vitest project, stop (always)
#
# No wp-cli, no downloads beyond Debian's apt. Needs root to install packages and to use MariaDB's root socket;
# without PHP/MariaDB (a developer laptop) `test` runs the suite, which then reports itself skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# One scratch dir per checkout, so two worktrees can run their own sites side by side.
CI_DIR=${MERGEDESK_WP_CI_DIR:-/tmp/mergedesk-wp-ci-$(printf %s "$ROOT" | md5sum | cut -c1-8)}
PKGS=(wordpress mariadb-server php-cli php-mysql php-curl php-xml php-mbstring)
log() { echo "wordpress-ci: $*" >&2; }

have_stack() { command -v php >/dev/null && [ -f /usr/share/wordpress/wp-load.php ] && command -v mariadb >/dev/null; }

install_packages() {
  local missing=()
  for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    log "missing packages: ${missing[*]} (install: sudo apt-get install -y --no-install-recommends ${missing[*]})"
    return 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

free_port() { php -r '$s=stream_socket_server("tcp://127.0.0.1:0");$n=stream_socket_get_name($s,false);echo substr($n,strrpos($n,":")+1);'; }

start() {
  install_packages
  [ "$(id -u)" -eq 0 ] || { log "must run as root (MariaDB root socket, /etc/wordpress)"; exit 1; }
  [ -f "$CI_DIR/server.pid" ] && stop
  rm -rf "$CI_DIR"
  mkdir -p "$CI_DIR"/wp-content/{plugins,mu-plugins,uploads}
  local port db started_db=0
  port=$(free_port)
  db="mdci_$port"
  if ! mariadb -u root -e 'SELECT 1' >/dev/null 2>&1; then
    service mariadb start >/dev/null
    started_db=1
  fi
  echo "$port" > "$CI_DIR/port"
  echo "$started_db" > "$CI_DIR/started_db"
  mariadb -u root <<SQL
DROP DATABASE IF EXISTS $db;
CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'mdci'@'localhost' IDENTIFIED BY 'mdci-pass';
GRANT ALL PRIVILEGES ON \`mdci\\_%\`.* TO 'mdci'@'localhost';
SQL

  # Debian's wp-config.php loads /etc/wordpress/config-127.0.0.1.php; ours dispatches by port to this instance.
  local dispatch=/etc/wordpress/config-127.0.0.1.php
  if [ -f "$dispatch" ] && ! grep -q 'Mergedesk CI' "$dispatch"; then
    log "$dispatch exists and is not Mergedesk's; refusing to overwrite it"
    exit 1
  fi
  cp scripts/wordpress-ci/dispatch-config.php "$dispatch"
  mkdir -p /etc/wordpress/mergedesk-ci
  salt() { head -c 32 /dev/urandom | base64 | tr -d '\n/+='; }
  cat > "/etc/wordpress/mergedesk-ci/port-$port.php" <<PHP
<?php
define('DB_NAME', '$db'); define('DB_USER', 'mdci'); define('DB_PASSWORD', 'mdci-pass');
define('DB_HOST', 'localhost'); define('DB_CHARSET', 'utf8mb4'); define('DB_COLLATE', '');
\$table_prefix = 'wp_';
$(for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do echo "define('$k', '$(salt)');"; done)
define('WP_HOME', 'http://127.0.0.1:$port'); define('WP_SITEURL', 'http://127.0.0.1:$port');
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_CONTENT_DIR', '$CI_DIR/wp-content');
define('WP_DEBUG', true); define('WP_DEBUG_DISPLAY', false); define('WP_DEBUG_LOG', '$CI_DIR/debug.log');
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
PHP

  # Install the plugin from the same zip users upload, so the package itself is tested.
  node scripts/package-wp-plugin.mjs "$CI_DIR/mergedesk-bridge.zip" >/dev/null
  (cd "$CI_DIR/wp-content/plugins" && php -r '
    $z = file_get_contents($argv[1]);
    // Minimal unzip via the stored central directory, so the php-zip extension is not needed.
    $end = strrpos($z, "PK\x05\x06"); $e = unpack("vdisk/vdisk2/vn/vtotal/Vsize/Voffset", substr($z, $end + 4, 16));
    $p = $e["offset"];
    for ($i = 0; $i < $e["total"]; $i++) {
      $c = unpack("Vsig/vmade/vneed/vflags/vmethod/vtime/vdate/Vcrc/Vcsize/Vsize/vnlen/velen/vclen/vdisk/viattr/Veattr/Vlocal", substr($z, $p, 46));
      $name = substr($z, $p + 46, $c["nlen"]); $p += 46 + $c["nlen"] + $c["elen"] + $c["clen"];
      $l = unpack("vnlen/velen", substr($z, $c["local"] + 26, 4));
      $data = substr($z, $c["local"] + 30 + $l["nlen"] + $l["elen"], $c["csize"]);
      $data = $c["method"] === 8 ? gzinflate($data) : $data;
      if (crc32($data) !== $c["crc"] || str_contains($name, "..")) { fwrite(STDERR, "bad zip entry $name\n"); exit(1); }
      @mkdir(dirname($name), 0755, true); file_put_contents($name, $data);
    }' "$CI_DIR/mergedesk-bridge.zip")
  cp test/wordpress/mu-plugins/mergedesk-ci-accessally.php "$CI_DIR/wp-content/mu-plugins/"
  cp -r test/wordpress/mu-plugins/mergedesk-ci "$CI_DIR/wp-content/mu-plugins/"

  php scripts/wordpress-ci/install.php "$port" "$ROOT/test/wordpress/fixture-seed.json" "$CI_DIR/connection.tmp"

  PHP_CLI_SERVER_WORKERS=4 setsid php -S "127.0.0.1:$port" -t /usr/share/wordpress scripts/wordpress-ci/router.php \
    > "$CI_DIR/server.log" 2>&1 < /dev/null &
  echo $! > "$CI_DIR/server.pid"
  for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/wp-json/" && break
    sleep 0.1
  done
  curl -fs -o /dev/null "http://127.0.0.1:$port/wp-json/" || { log "WordPress did not answer; see $CI_DIR/server.log"; stop; exit 1; }
  mv "$CI_DIR/connection.tmp" "$CI_DIR/connection.json"
  log "WordPress on http://127.0.0.1:$port (connection: $CI_DIR/connection.json)"
}

stop() {
  [ -d "$CI_DIR" ] || return 0
  if [ -f "$CI_DIR/server.pid" ]; then
    kill -- -"$(cat "$CI_DIR/server.pid")" 2>/dev/null || true
    rm -f "$CI_DIR/server.pid"
  fi
  if [ -f "$CI_DIR/port" ]; then
    local port; port=$(cat "$CI_DIR/port")
    mariadb -u root -e "DROP DATABASE IF EXISTS mdci_$port" 2>/dev/null || true
    rm -f "/etc/wordpress/mergedesk-ci/port-$port.php"
  fi
  # Stop MariaDB only if we started it and no other CI site still has a database in it.
  if [ "$(cat "$CI_DIR/started_db" 2>/dev/null || echo 0)" = 1 ] &&
    [ -z "$(mariadb -u root -N -e "SHOW DATABASES LIKE 'mdci\\_%'" 2>/dev/null)" ]; then
    service mariadb stop >/dev/null 2>&1 || true
  fi
  rm -f "$CI_DIR/connection.json" "$CI_DIR/port" "$CI_DIR/started_db"
}

plugin() {
  php scripts/wordpress-ci/plugin.php "$(cat "$CI_DIR/port")" "$1"
}

accessally() {
  php scripts/wordpress-ci/accessally.php "$(cat "$CI_DIR/port")" "$1"
}

run_tests() {
  local status=0
  if have_stack || install_packages; then
    if [ "$(id -u)" -eq 0 ]; then
      trap stop EXIT
      start
    else
      log "not root: cannot start MariaDB/WordPress here; the real-WordPress suite will report itself skipped"
    fi
  else
    log "PHP/MariaDB/WordPress absent: the real-WordPress suite will report itself skipped"
  fi
  MERGEDESK_WP_CI_FILE="$CI_DIR/connection.json" npx vitest run -c vitest.wordpress.config.ts "$@" || status=$?
  return $status
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  plugin) plugin "${2:?on|off}" ;;
  accessally) accessally "${2:?on|off}" ;;
  test) shift; run_tests "$@" ;;
  *) echo "usage: $0 start|stop|plugin on|off|accessally on|off|test [vitest args]" >&2; exit 2 ;;
esac
