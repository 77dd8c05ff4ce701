#!/bin/sh
# Stands in for ssh in tests/t-shard.sh: `fake-ssh.sh ROOT HOST COMMAND`
# runs COMMAND with sh in ROOT/HOST, the "home directory" of that host, so
# several hosts on one machine never share files.
root=$1
host=$2
shift 2
mkdir -p "$root/$host" && cd "$root/$host" && exec sh -c "$*"
