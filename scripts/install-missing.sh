# Sourced by run-demo.sh and run-tests.sh (bash): install_missing PKG...
# installs, as root, the Debian packages that are missing and only those.
# A package counts as present when dpkg says it is installed or, for a tool,
# when its command is already on PATH (say node and npm from NodeSource's
# single nodejs package, which conflicts with Debian's npm).

# The command a tool package provides, or nothing for a library.
command_of() {
    case $1 in
    nodejs) echo node ;;
    chromium) echo chromium ;;
    gcc | make | flex | bison | pkg-config | python3 | curl | npm | file | \
    nginx | openssl) echo "$1" ;;
    dpkg-dev) echo dpkg-source ;;
    *) echo "" ;;
    esac
}

install_missing() {
    local missing=() p cmd
    for p in "$@"; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
                grep -q 'install ok installed'; then
            continue
        fi
        cmd=$(command_of "$p")
        if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then
            continue
        fi
        missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    echo "$(basename "$0"): installing ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "$(basename "$0"): missing packages and not root: ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}
