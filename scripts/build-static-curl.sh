#!/bin/sh
# Builds the static libcurl that `swarmc build` links into a static
# executable, from Debian's own source package of the release this machine
# runs (Debian's patches applied), configured with only what the runtime
# uses: HTTP/1.1, HTTPS through OpenSSL, cookies, proxies, zlib.  Its
# resolver is the threaded one, as in Debian's shared libcurl: the static
# executable links runtime/engine/curl/getaddrinfo_ares.c, so the lookups
# go through c-ares and never through glibc's NSS (whose modules a static
# binary cannot load safely).  libcurl's own c-ares resolver would cost a
# 73 KB channel per easy handle, every user's share included
# (docs/performance.md).
#
#   scripts/build-static-curl.sh DIR
#
# Leaves DIR/prefix/{include,lib/libcurl.a} and DIR/stamp; the build happens
# once per machine and configuration (make calls this when the stamp is
# missing or older than this script; a stamp naming this CONFIG is kept).  On a
# failure it prints one line naming the step and its log, writes that line to
# DIR/error and exits 1; `swarmc build --dynamic` does not need any of this.
#
# Environment: APT_SOURCES, the deb822 file(s) whose `deb` entries are copied
# as `deb-src` (default: the system's); the system's apt state is untouched
# (a private list directory under DIR).
set -u
DIR=${1:?usage: build-static-curl.sh DIR}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
LOG="$DIR/build.log"
# One build at a time (parallel makes of build/ and build-address/ share
# DIR); the second finds the first's result.
exec 9>"$DIR/.lock"
flock 9
# Compile-time settings that libcurl leaves to whoever builds it (its
# sources guard them with #ifndef), the same in every build:
# CURL_SOCKET_HASH_TABLE_SIZE is the slots of the multi handle's table of
# sockets, 911 by default, looked up at every socket event; 5,000 users
# chained about 5.5 sockets a slot there, each a cold list node
# (Curl_hash_pick was 4 % of a 5,000-user run's CPU and nothing at 50).
# With 8,191 (a prime, 256 KB per worker) every descriptor below 8,191
# has a slot of its own.  docs/performance.md, "The libcurl engine with
# many users".
CONFIG="-DCURL_SOCKET_HASH_TABLE_SIZE=8191"
if [ -f "$DIR/stamp" ] && grep -qF -- "config $CONFIG" "$DIR/stamp"; then
    touch "$DIR/stamp"          # newer than this script: make is satisfied
    exit 0
fi
rm -f "$DIR/stamp"
rm -f "$DIR/error"
: >"$LOG"
start=$(date +%s)

say() { printf '  %-6s %s\n' CURL "$*"; }
fail() {
    msg="swarmc: static libcurl: step '$1' failed (log: $LOG); 'swarmc build --dynamic' does not need it"
    echo "$msg" >"$DIR/error"
    echo "$msg" >&2
    tail -n 15 "$LOG" | sed 's/^/    /' >&2
    exit 1
}
# step NAME COMMAND...: runs COMMAND with its output in the log.
step() {
    name=$1
    shift
    echo "== $name: $*" >>"$LOG"
    "$@" >>"$LOG" 2>&1 || fail "$name"
}

# ---- 1. Debian's source package, through a private apt state ------------
say "fetching Debian's curl source package (apt-get source curl)"
APT="$DIR/apt"
rm -rf "$APT" "$DIR/src"
mkdir -p "$APT/lists/partial" "$APT/parts" "$APT/cache/archives/partial" \
         "$DIR/src"
sources=${APT_SOURCES:-$(ls /etc/apt/sources.list.d/*.sources 2>/dev/null)}
for f in $sources; do
    [ -r "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f"
    echo
done >"$APT/parts/deb-src.sources"
# A one-line sources.list machine has no deb822 file: copy its deb lines.
if [ -r /etc/apt/sources.list ] && [ -z "${APT_SOURCES:-}" ]; then
    sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >"$APT/sources.list"
else
    : >"$APT/sources.list"
fi
grep -q . "$APT/parts/deb-src.sources" "$APT/sources.list" ||
    { echo "no apt source to copy" >>"$LOG"; fail "find an apt source (/etc/apt/sources.list.d)"; }
set -- -o Dir::Etc::SourceList="$APT/sources.list" \
       -o Dir::Etc::SourceParts="$APT/parts" \
       -o Dir::State::Lists="$APT/lists" \
       -o Dir::Cache="$APT/cache" \
       -o Debug::NoLocking=1 -o APT::Sandbox::User=root -q
step "read the deb-src index (apt-get update)" apt-get "$@" --error-on=any update
command -v dpkg-source >/dev/null 2>&1 ||
    { echo "dpkg-source is missing (package dpkg-dev)" >>"$LOG"; fail "unpack (dpkg-source, package dpkg-dev)"; }
# The installed libcurl's version when the index has it, so the static and
# the dynamic builds are the same curl; else the release's newest.
want=$(dpkg-query -W -f='${Version}' libcurl4 2>/dev/null || true)
spec=curl
if [ -n "$want" ] && apt-cache "$@" showsrc curl 2>/dev/null |
        grep -qx "Version: $want"; then
    spec="curl=$want"
fi
(cd "$DIR/src" && step "fetch the source package (apt-get source $spec)" \
    apt-get "$@" source "$spec") || exit 1
src=$(find "$DIR/src" -mindepth 1 -maxdepth 1 -type d -name 'curl-*' | head -n 1)
[ -n "$src" ] && [ -x "$src/configure" ] ||
    { echo "no unpacked curl-*/configure" >>"$LOG"; fail "unpack the source package"; }
say "source: $(basename "$(ls "$DIR"/src/*.dsc)") ($(( $(date +%s) - start ))s)"

# ---- 2. configure: only what the runtime uses -----------------------------
say "configuring (HTTP/1.1, OpenSSL, cookies, proxies, zlib)"
t=$(date +%s)
cd "$src" || fail "unpack the source package"
step "configure" ./configure --prefix="$DIR/prefix" \
    --disable-shared --enable-static --with-pic=no \
    --disable-dependency-tracking --disable-silent-rules \
    --with-openssl --with-zlib --disable-ares --enable-threaded-resolver \
    --enable-cookies --enable-proxy --enable-ipv6 \
    --enable-http --disable-ftp --disable-file --disable-ldap --disable-ldaps \
    --disable-rtsp --disable-dict --disable-telnet --disable-tftp \
    --disable-pop3 --disable-imap --disable-smb --disable-smtp \
    --disable-gopher --disable-mqtt --disable-manual \
    --disable-ntlm --disable-ntlm-wb --disable-websockets --disable-netrc \
    --without-brotli --without-zstd --without-nghttp2 --without-nghttp3 \
    --without-ngtcp2 --without-quiche --without-msh3 --without-hyper \
    --without-libpsl --without-libidn2 --without-librtmp \
    --without-libssh2 --without-libssh --without-wolfssh \
    --without-gssapi --without-libgsasl \
    --without-ca-bundle --without-ca-path --without-ca-fallback \
    CPPFLAGS="$CONFIG"
say "configured ($(( $(date +%s) - t ))s)"

# ---- 3. build and install the library alone ---------------------------------
say "compiling libcurl (about a minute on two cores)"
t=$(date +%s)
jobs=$(nproc 2>/dev/null || echo 2)
step "compile (make -C lib)" make -C lib -j"$jobs"
step "install (make -C lib install)" make -C lib install
step "install headers (make -C include install)" make -C include install
[ -f "$DIR/prefix/lib/libcurl.a" ] ||
    { echo "no libcurl.a after install" >>"$LOG"; fail "install"; }
say "compiled ($(( $(date +%s) - t ))s)"
rm -rf "$DIR/src" "$APT/cache"
printf '%s %s %ss\nconfig %s\n' "$(basename "$src")" "$(date -u +%Y-%m-%dT%H:%MZ)" \
    "$(( $(date +%s) - start ))" "$CONFIG" >"$DIR/stamp"
say "static libcurl ready in $(( $(date +%s) - start ))s: $DIR/prefix/lib/libcurl.a"
