import type { SecretRule } from '../types.js';

/**
 * Credentials stored by tools in their configuration files, and passwords written into URLs.
 */
export const FILE_RULES: SecretRule[] = [
  // Docker CLI config (~/.docker/config.json): "auths": {"registry": {"auth": base64("user:password")}}.
  {
    id: 'docker-config-auth',
    description: 'Registry credentials in a Docker config.json (auths.*.auth)',
    severity: 'high',
    keywords: ['"auth"'],
    regex: String.raw`"auth"\s*:\s*"([A-Za-z0-9+/]{6,}={0,2})"`,
    secretGroup: 1,
    validate: 'base64-auth',
  },
  // npm config (https://docs.npmjs.com/cli/configuring-npm/npmrc#auth-related-configuration):
  // `//registry/:_authToken=`, `_auth=` (base64 user:password), `:_password=` (base64 password).
  {
    id: 'npmrc-auth-token',
    description: 'npm registry token in .npmrc (_authToken)',
    severity: 'high',
    keywords: ['_authtoken'],
    regex: String.raw`_authToken\s*=\s*["']?([^\s"'#;]{8,})`,
    secretGroup: 1,
    placeholders: true,
    entropy: 3,
  },
  {
    id: 'npmrc-auth',
    description: 'npm registry credentials in .npmrc (_auth)',
    severity: 'high',
    keywords: ['_auth'],
    regex: String.raw`(?:^|[\s:])_auth\s*=\s*["']?([A-Za-z0-9+/]{6,}={0,2})`,
    flags: 'm',
    secretGroup: 1,
    validate: 'base64-auth',
  },
  {
    id: 'npmrc-password',
    description: 'npm registry password in .npmrc (_password)',
    severity: 'high',
    keywords: [':_password'],
    regex: String.raw`:_password\s*=\s*["']?([A-Za-z0-9+/]{4,}={0,2})`,
    secretGroup: 1,
    placeholders: true,
  },
  // https://packaging.python.org/en/latest/specifications/pypirc/
  {
    id: 'pypirc-password',
    description: 'Package index password in .pypirc',
    severity: 'high',
    keywords: ['password'],
    regex: String.raw`^[ \t]*password[ \t]*[=:][ \t]*(\S{4,})`,
    flags: 'im',
    secretGroup: 1,
    paths: ['**/.pypirc'],
    placeholders: true,
  },
  // git-credential-store (https://git-scm.com/docs/git-credential-store#_storage_format).
  {
    id: 'git-credentials',
    description: 'Password or token in a git credential store (.git-credentials)',
    severity: 'high',
    keywords: ['://'],
    regex: String.raw`[A-Za-z][A-Za-z0-9+.-]*://[^:\s/@]*:([^\s@/]{3,})@`,
    secretGroup: 1,
    paths: ['**/.git-credentials', '**/git/credentials'],
    placeholders: true,
    before: 20,
  },
  // ~/.netrc (used by curl, git, ftp): `machine HOST login USER password SECRET`.
  {
    id: 'netrc-password',
    description: 'Password in a .netrc file',
    severity: 'high',
    keywords: ['password'],
    regex: String.raw`(?:^|\s)password\s+(\S{3,})`,
    secretGroup: 1,
    paths: ['**/.netrc', '**/_netrc'],
    placeholders: true,
  },
  // RFC 3986 section 3.2.1 userinfo: `scheme://user:password@host` (database URLs, proxies, remotes).
  // Hosts under the RFC 2606 documentation domains (example.com/org/net) are examples.
  {
    id: 'url-password',
    description: 'Password in a URL (scheme://user:password@host)',
    severity: 'high',
    keywords: ['://'],
    regex: String.raw`(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}://([^\s:/@"'<>{}\[\]$%\\]{1,64}):([^\s:/@"'<>{}\[\]$\\]{3,128})@(?!(?:[A-Za-z0-9-]+\.)*example\.(?:com|org|net)(?![A-Za-z0-9.-]))[A-Za-z0-9_.\[\]-]*[A-Za-z0-9\]]`,
    secretGroup: 2,
    placeholders: true,
    before: 24,
    after: 260,
  },
];
