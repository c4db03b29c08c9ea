#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks, reachable only on loopback.
#   bench/pgcluster.sh start DIR PORT   initdb into DIR (first time), start, print the URL
#   bench/pgcluster.sh stop DIR         stop it (nothing to do when it is not running)
# Trust authentication: anyone on this machine may connect as any role, so keep it throwaway.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

pg_bindir() {
    find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1 || true
}

# Debian's package when no server is installed (CI starts from a clean machine).
install_postgres() {
    [ -n "$(pg_bindir)" ] && return
    echo "installing PostgreSQL from Debian's packages" >&2
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql >&2
}

# PostgreSQL refuses to run as root: root runs it as the postgres OS user.
as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_server_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    id -u postgres >/dev/null 2>&1 ||
        useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin postgres
}

start() {
    local dir=$1 port=$2 bin
    case $port in '' | *[!0-9]*) usage ;; esac
    install_postgres
    bin=$(pg_bindir)
    ensure_server_user
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown -R postgres: "$dir"
    cd "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
            --encoding=UTF8 --locale=C --lc-ctype=C.UTF-8 >"$dir/initdb.log"
        cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
CONF
    fi
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "-p $port" -w start >&2
    echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
    local dir=$1 bin
    bin=$(pg_bindir)
    [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ] || return 0
    cd "$dir"
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
}

case ${1:-} in
    start) [ $# -eq 3 ] || usage; start "$2" "$3" ;;
    stop) [ $# -eq 2 ] || usage; stop "$2" ;;
    *) usage ;;
esac
