/**
 * Names that look like they hold a credential. Only names are judged here: the values are the
 * secret scanner's business and are never copied into findings.
 */
const SECRET_WORDS = /(?:^|_)(?:password|passwd|pwd|passphrase|secret|token|apikey|api_key|access_key|secret_key|private_key|privatekey|credentials?|client_secret)(?:_|$)/;
/** A trailing word that says the value points at a secret rather than being one (`DB_PASSWORD_FILE`). */
const REFERENCE_SUFFIX = /_(?:file|path|dir|url|name|type|length|len|policy|header|env|version|mode|enabled|required|ttl|expiry|expires)$/;

/** `dbPassword`, `DB-PASSWORD`, `db.password` → `db_password`. */
function normalise(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}

export function looksLikeSecretName(name: string): boolean {
  const n = normalise(name);
  return SECRET_WORDS.test(n) && !REFERENCE_SUFFIX.test(n);
}

/** A literal: something was written, not left empty or taken from another variable. */
export function isLiteralValue(value: string): boolean {
  const v = value.trim();
  return v !== '' && !/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v) && !/^(?:true|false|yes|no|none|null)?$/i.test(v);
}

/**
 * Build arguments a RUN step saw, from its history line. The classic builder and BuildKit both
 * prefix such steps with `|N NAME=value ...` (N arguments); only the names are returned.
 */
export function buildArgNames(createdBy: string): string[] {
  const m = /^(?:RUN\s+)?\|(\d+)\s+(.*)$/s.exec(createdBy.trim());
  if (!m) return [];
  const count = Number(m[1]);
  const out: string[] = [];
  const re = /(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g;
  let seen = 0;
  for (let hit = re.exec(m[2]!); hit && seen < count; hit = re.exec(m[2]!), seen++) {
    if (isLiteralValue(hit[2]!)) out.push(hit[1]!);
  }
  return out;
}

/** The history line with the values of its `|N NAME=value` build arguments replaced, for evidence. */
export function redactBuildArgs(createdBy: string): string {
  const m = /^(\s*(?:RUN\s+)?\|(\d+)\s+)(.*)$/s.exec(createdBy);
  if (!m) return createdBy;
  let rest = m[3]!;
  let out = m[1]!;
  for (let i = 0; i < Number(m[2]); i++) {
    const arg = /^([A-Za-z_][A-Za-z0-9_]*)=\S*\s*/.exec(rest);
    if (!arg) break;
    out += `${arg[1]!}=*** `;
    rest = rest.slice(arg[0].length);
  }
  return out + rest;
}
