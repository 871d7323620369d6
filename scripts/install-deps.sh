#!/usr/bin/env bash
# Installs what DiffusionSweep needs on Debian/Ubuntu when it is missing: Open MPI, OpenBLAS,
# libpng, zlib, FreeType with DejaVu, Noto CJK and Noto Color Emoji fonts (grid labels) and pkg-config from apt; and,
# optionally, Slurm and munge for the Slurm test. The Swift 6 toolchain cannot come from apt on
# Debian 12, so it is looked for (on PATH or in /opt/swift) and reported clearly when absent.
set -euo pipefail

packages=(pkg-config libopenmpi-dev openmpi-bin libopenblas-dev libpng-dev zlib1g-dev libfreetype-dev fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji)
# For the Slurm test (cluster/local-slurm.sh), and headless Chromium for the browse page test
# (out/<job>/index.html). Without them those tests are skipped with their reason, so a failed
# install (no network, another distribution) only warns.
optional=(slurm-wlm munge chromium)

# The packages among "$@" that are not installed, one per line.
not_installed() {
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || echo "$package"
    done
}

apt_install() {
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

mapfile -t missing < <(not_installed "${packages[@]}")
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    apt_install "${missing[@]}"
fi
mapfile -t missing < <(not_installed "${optional[@]}")
if ((${#missing[@]})); then
    echo "installing (optional, for the Slurm and browse page tests): ${missing[*]}" >&2
    apt_install "${missing[@]}" || echo "warning: could not install ${missing[*]}; the tests that need them will be skipped" >&2
fi

if ! command -v swift >/dev/null 2>&1; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        export PATH="/opt/swift/usr/bin:$PATH"
    else
        echo "error: the Swift 6 toolchain was not found on PATH or in /opt/swift; install it from swift.org" >&2
        exit 1
    fi
fi
