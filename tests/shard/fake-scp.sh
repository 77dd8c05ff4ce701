#!/bin/sh
# Stands in for scp in tests/t-shard.sh: `fake-scp.sh ROOT [OPTIONS] SRC
# DST`, where HOST:PATH means ROOT/HOST/PATH (see fake-ssh.sh).
root=$1
shift
map() {
    case $1 in
    *:*) printf '%s/%s/%s' "$root" "${1%%:*}" "${1#*:}" ;;
    *) printf '%s' "$1" ;;
    esac
}
while [ $# -gt 2 ]; do
    case $1 in
    -o) shift 2 ;;
    *) shift ;;
    esac
done
exec cp "$(map "$1")" "$(map "$2")"
