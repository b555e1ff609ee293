# Shared by the scripts of tests/e2e (sourced). Host side only: nothing here
# runs in the testbed.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/../.." && pwd)
# Built packages, logs and results of one run.
OUT=${E2E_OUT:-$REPO/out/e2e}
# Root tarballs, kept across runs, keyed by what goes into them.
CACHE=${E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xivo-manage-db-e2e}
SUITE=bookworm
MIRROR=${E2E_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${E2E_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'e2e: error: %s\n' "$*" >&2; exit 1; }

# The host tools the harness needs, installed when missing (a fresh CI
# machine has none of them).
# (PostgreSQL itself runs only in the testbeds.)
HOST_PACKAGES="autopkgtest mmdebstrap uidmap piuparts dpkg-dev debhelper fakeroot lintian file gcc libc6-dev
    ca-certificates git"

ensure_host_packages() {
    local need=() p
    for p in $HOST_PACKAGES; do
        dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || need+=("$p")
    done
    [ ${#need[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "missing host packages: ${need[*]} (run as root)"
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
}

# autopkgtest's unshare backend maps the testbed's uids through the
# subordinate id ranges of the calling user (root here).
ensure_subids() {
    local f
    for f in /etc/subuid /etc/subgid; do
        if ! grep -q "^root:" "$f" 2>/dev/null; then
            [ -w "$(dirname "$f")" ] || die "$f has no range for root; add root:100000:65536"
            echo "root:100000:65536" >> "$f"
            log "added root:100000:65536 to $f"
        fi
    done
}

# Seconds since the epoch, with decimals.
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
