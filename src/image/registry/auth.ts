/**
 * Registry authentication: the `WWW-Authenticate` challenge (RFC 7235 §4.1, RFC 7230 §3.2.6 for
 * tokens and quoted strings) and the Docker token flow (distribution `docs/spec/auth/token.md`):
 * GET realm?service=…&scope=…, with Basic credentials when the user has them, answering
 * `{"token": …}` or `{"access_token": …}`.
 */

export interface Challenge {
  /** Lower-case scheme: `basic`, `bearer`. */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** Parses one header value, which may hold several challenges separated by commas. */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  let current: Challenge | undefined;
  while (i < n) {
    skipSpace();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const word = readToken();
    if (word === '') {
      i++; // not a token character: skip it rather than loop forever
      continue;
    }
    skipSpace();
    if (header[i] === '=' && current) {
      // an auth-param of the current challenge (token68 values such as `abc==` have '=' at the end)
      i++;
      skipSpace();
      let value: string;
      if (header[i] === '"') {
        i++;
        value = '';
        while (i < n && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < n) i++;
          value += header[i];
          i++;
        }
        i++; // closing quote
      } else {
        value = readToken();
      }
      current.params[word.toLowerCase()] = value;
      skipSpace();
      continue;
    }
    // a new challenge: `Scheme` followed by params, or by a token68 we keep as-is
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
  }
  return challenges;
}

/** Picks the challenge we can answer: Bearer before Basic, as Docker clients do. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

/** `repository:NAME:ACTIONS`, the resource scope of the token spec (`docs/spec/auth/scope.md`). */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The token URL for a Bearer challenge and one or more scopes. */
export function tokenUrl(challenge: Challenge, scopes: readonly string[]): URL {
  const realm = challenge.params['realm'];
  if (!realm) throw new Error('the Bearer challenge has no realm');
  const url = new URL(realm);
  const service = challenge.params['service'];
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return url;
}

/** Reads the token out of a token server's answer (`token`, or OAuth2's `access_token`). */
export function parseTokenResponse(body: Buffer): { token: string; expiresInSeconds?: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Error('the token server did not answer JSON');
  }
  const answer = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const token = typeof answer['token'] === 'string' && answer['token'] ? answer['token'] : answer['access_token'];
  if (typeof token !== 'string' || token === '') throw new Error('the token server answer has neither "token" nor "access_token"');
  const expires = answer['expires_in'];
  return typeof expires === 'number' && expires > 0 ? { token, expiresInSeconds: expires } : { token };
}
