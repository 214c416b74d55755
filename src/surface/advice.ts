import type { PackageUsage, UnusedPackage } from './types.js';

/** Interpreters and runtimes: an image whose used code is one of these plus libc fits a distroless base. */
const RUNTIMES: Array<{ match: RegExp; image: string }> = [
  { match: /^(python3(\.\d+)?|libpython3(\.\d+)?.*|python3(\.\d+)?-minimal)$/, image: 'gcr.io/distroless/python3-debian12' },
  { match: /^(nodejs|libnode\d*)$/, image: 'gcr.io/distroless/nodejs20-debian12' },
  { match: /^(openjdk-\d+-jre(-headless)?)$/, image: 'gcr.io/distroless/java17-debian12' },
];
/** Base libraries every distroless base already carries. */
const BASE_LIBRARIES = /^(libc6|libgcc-s1|libstdc\+\+6|libssl3|libcrypt1|zlib1g|tzdata|base-files|netbase|ca-certificates|gcc-\d+-base|libzstd1|liblzma5|libbz2-1\.0|libffi8|libexpat1|libsqlite3-0|libuuid1|libreadline8|libncursesw6|libtinfo6|libmpdec3|libdb5\.3|libnsl2|libtirpc3|libgssapi-krb5-2|libkrb5-3|libk5crypto3|libkrb5support0|libcom-err2|libkeyutils1|media-types|readline-common|libgdbm6|libgdbm-compat4)$/;

/**
 * Dockerfile lines: remove what is safe to remove, by package manager, and a multi-stage or
 * distroless rewrite when most of the image is unused or what ran is a single runtime.
 */
export function dockerfileAdvice(used: readonly PackageUsage[], unused: readonly UnusedPackage[], imageBytes: number): string[] {
  const out: string[] = [];
  const safe = unused.filter((p) => p.removal === 'safe');
  const names = (type: string) => [...new Set(safe.filter((p) => p.type === type).map((p) => p.name))].sort();
  const deb = names('deb');
  if (deb.length > 0) out.push(`RUN apt-get purge -y --auto-remove ${deb.join(' ')} && rm -rf /var/lib/apt/lists/*`);
  const apk = names('apk');
  if (apk.length > 0) out.push(`RUN apk del --no-cache ${apk.join(' ')}`);
  const rpm = names('rpm');
  if (rpm.length > 0) out.push(`RUN rpm -e --nodeps ${rpm.join(' ')}   # check: rpm dependencies were not verified`);
  const npm = names('npm');
  if (npm.length > 0) out.push(`RUN npm uninstall ${npm.join(' ')}   # or move them to devDependencies and install with --omit=dev`);
  const pypi = names('pypi');
  if (pypi.length > 0) out.push(`RUN pip uninstall -y ${pypi.join(' ')}`);

  const removable = unused.reduce((n, p) => n + p.sizeBytes, 0);
  const runtime = RUNTIMES.find((r) => used.some((p) => r.match.test(p.name)));
  const usedOs = used.filter((p) => p.type === 'deb' || p.type === 'apk' || p.type === 'rpm');
  const single = runtime && usedOs.every((p) => runtime.match.test(p.name) || BASE_LIBRARIES.test(p.name) || /^lib/.test(p.name));
  if (single) {
    out.push(`# the code that ran is one runtime and its libraries: build in a full image, run on ${runtime.image}`);
    out.push(`#   FROM ${runtime.image}`, '#   COPY --from=build /app /app');
  } else if (imageBytes > 0 && removable / imageBytes > 0.5) {
    out.push(
      `# ${Math.round((100 * removable) / imageBytes)}% of the image is in packages never used: use a multi-stage build and copy only the used files`,
      '#   (the executables and libraries the report lists as used) into a slim or distroless final stage',
    );
  }
  return out;
}
