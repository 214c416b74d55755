import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SECRET_RULES, secretsAnalyzer, type SecretHit } from './index.js';
import { redact, secretDigest } from './redact.js';
import { SAMPLES, type Sample } from './testing-samples.js';

const analyzer = secretsAnalyzer();

function scan(text: string, path = 'app/config.txt'): SecretHit[] {
  const content = Buffer.from(text, 'latin1');
  assert.ok(analyzer.wants(path, { size: content.length, mode: 0o644 }), `analyzer should want ${path}`);
  return (analyzer.analyze({ path, content, size: content.length, mode: 0o644, warn: () => {} }) as SecretHit[] | undefined) ?? [];
}

/** 1-based line and column of `offset` in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

describe('built-in rules', () => {
  it('has more than 60 rules with unique ids, each with a keyword the prefilter can use', () => {
    assert.ok(SECRET_RULES.length >= 60, `only ${SECRET_RULES.length} rules`);
    assert.equal(new Set(SECRET_RULES.map((r) => r.id)).size, SECRET_RULES.length);
    for (const rule of SECRET_RULES) {
      assert.ok(rule.keywords.length > 0 && rule.keywords.every((k) => k.length >= 3), rule.id);
      assert.ok(['critical', 'high', 'medium', 'low'].includes(rule.severity), rule.id);
    }
    const missing = SECRET_RULES.filter((r) => SAMPLES[r.id] === undefined).map((r) => r.id);
    assert.deepEqual(missing, [], 'every rule has a sample generator');
  });

  for (const rule of SECRET_RULES) {
    it(`${rule.id}: finds a generated credential, at its position, redacted`, () => {
      // Several draws: random tokens exercise the alphabet and the entropy gates.
      for (let round = 0; round < 5; round++) {
        const sample: Sample = SAMPLES[rule.id]!();
        const hits = scan(sample.text, sample.path);
        const hit = hits.find((h) => h.rule === rule.id);
        assert.ok(hit, `${rule.id} not found in sample (got ${hits.map((h) => h.rule).join(', ') || 'nothing'})`);
        const offset = sample.text.indexOf(sample.secret);
        assert.ok(offset >= 0);
        assert.deepEqual({ line: hit.line, column: hit.column }, position(sample.text, offset));
        assert.equal(hit.sha256, secretDigest(sample.secret), 'the hit is for exactly the secret');
        assert.equal(hit.redacted, redact(sample.secret));
        assert.ok(!JSON.stringify(hits).includes(sample.secret), 'serialised hits never hold the secret');
        assert.ok(hit.redacted.length <= 9 && hit.redacted.endsWith('*****'));
      }
    });
  }

  it('does not fire when the secret is replaced by a placeholder of the same shape', () => {
    const fired: string[] = [];
    for (const rule of SECRET_RULES) {
      const sample = SAMPLES[rule.id]!();
      const placeholder = sample.secret.replace(/[A-Za-z0-9]/gu, 'x');
      const hits = scan(sample.text.replace(sample.secret, placeholder), sample.path);
      if (hits.some((h) => h.rule === rule.id)) fired.push(rule.id);
    }
    assert.deepEqual(fired, []);
  });

  const negatives: Array<[string, string, string?]> = [
    ['AWS documentation key pair', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n'],
    ['template variables', 'DB_PASSWORD=${DB_PASSWORD}\napi_key: "{{ .Values.apiKey }}"\nsecret: <your-secret>\n', 'app/.env'],
    ['stand-in words', 'password=changeme123\npassword: "example-password-1"\nAPI_KEY=xxxxxxxxxxxxxxxx\n', 'app/.env'],
    ['references in code', 'password = self.password\nconst secret = process.env.SECRET;\npassword=key_password\n', 'app/main.py'],
    ['unquoted identifiers in source', 'connect(password=password_ptr, api_key=API_KEY_VALUE1)\n', 'app/db.py'],
    ['documentation URLs', 'see http://user:pass@example.com/ and https://abc:xyz@www.example.org/x\n'],
    ['elided PEM', '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n'],
    ['token-shaped placeholders', 'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nsk_live_000000000000000000000000\n'],
    ['settings about passwords', 'password_encryption = scram-sha-256\npassword_file: /run/secrets/db1\n'],
    ['doctest lines', '>>> session = Client(client_secret="9fj3kd83jdk2lsd9")\n', 'usr/local/lib/x.txt'],
    ['not a JWT', 'eyJzdHJpbmcgdGhhdCBpcyBub3QgSlNPTg.eyJhbGciOiJub25lIn0.c2lnbmF0dXJlc2lnbmF0dXJl\n'],
    ['OAuth 1 token identifiers', 'oauth_token="ad180jjd733klru7"\n'],
  ];
  for (const [name, text, path] of negatives) {
    it(`ignores ${name}`, () => {
      assert.deepEqual(scan(text, path).map((h) => `${h.rule}@${h.line}`), []);
    });
  }
});
