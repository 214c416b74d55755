/**
 * The recipe of the Debian 12 test image. Everything comes from real packages: a debootstrap'd
 * bookworm base, Debian packages installed with apt, and npm packages from the npm registry.
 *
 * Bump FIXTURE_VERSION whenever anything here changes: it names the cache folder, so a changed recipe
 * is rebuilt instead of reusing an old build.
 *
 * What the image exercises:
 * - dpkg: ~120 packages of a minbase system plus nodejs, Python and Java libraries.
 * - npm: the /app tree (~90 packages from the registry: express 4 and friends, a scoped package,
 *   esbuild whose platform package carries a Go binary), and Debian's own node modules under
 *   /usr/share/nodejs, installed by nodejs's dependencies (node-acorn, node-undici, ...): npm packages
 *   owned by deb packages. Debian's `npm` package is deliberately NOT installed: it pulls ~380 node-*
 *   packages and would drown the registry-installed tree the acceptance checks count.
 * - Python: Debian's python3-yaml (dist-info) and python3-requests and its dependencies (egg-info).
 * - Java: Debian jars in /usr/share/java carrying META-INF/maven/.../pom.properties, with version
 *   symlinks beside them.
 * - Go: esbuild's native binary, built with module information (Debian's own Go binaries are built in
 *   GOPATH mode and record no modules, so they would test nothing).
 * - Whiteouts: /var/lib/apt/lists removed in its own layer; npm packages copied to /opt/doomed, one
 *   deleted in a later layer (plain whiteout), then the whole folder replaced (opaque whiteout). The
 *   deleted packages must not be reported.
 */

export const FIXTURE_VERSION = 'debian-full-v1';
export const BASE_IMAGE = 'bulkhead-fixture/base:12';
export const FIXTURE_IMAGE = 'bulkhead-fixture/debian-full:1';
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

/** The application's direct dependencies (exact versions; the transitive tree is what npm resolves). */
export const APP_PACKAGE_JSON = {
  name: 'bulkhead-fixture-app',
  version: '1.0.0',
  private: true,
  dependencies: {
    express: '4.21.2',
    chalk: '4.1.2',
    commander: '12.1.0',
    semver: '7.6.3',
    esbuild: '0.24.2',
    uuid: '10.0.0',
    yaml: '2.6.1',
    minimist: '1.2.8',
    '@babel/code-frame': '7.26.2',
  },
};

/** Copied into the image and deleted again by later layers. */
export const DOOMED_PACKAGE_JSON = {
  name: 'bulkhead-fixture-doomed',
  version: '1.0.0',
  private: true,
  dependencies: { 'is-number': '7.0.0', 'left-pad': '1.3.0' },
};

export const DEBIAN_PACKAGES_RUNTIME = ['nodejs', 'python3-yaml', 'python3-requests'];
export const DEBIAN_PACKAGES_JAVA = ['libcommons-lang3-java', 'libslf4j-java'];

/** Several RUN/COPY lines on purpose: layer attribution and whiteouts are part of what is tested. */
export const DOCKERFILE = `FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES_RUNTIME.join(' ')}
RUN apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES_JAVA.join(' ')}
RUN rm -rf /var/lib/apt/lists/*
COPY doomed /opt/doomed
RUN rm -rf /opt/doomed/node_modules/is-number
RUN rm -rf /opt/doomed && mkdir -p /opt/doomed && echo replaced > /opt/doomed/README
WORKDIR /app
COPY app /app
CMD ["node"]
`;
