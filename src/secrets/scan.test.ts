import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageConfig } from '../image/types.js';
import { scanImageConfig, secretFindings, secretsAnalyzer, type LocatedSecretHit, type SecretHit } from './index.js';
import { B62, password, pemBody, rand, realKeys, SAMPLES } from './testing-samples.js';

const analyzer = secretsAnalyzer();

function analyze(text: string | Buffer, path = 'app/x.txt'): { hits: SecretHit[]; warnings: string[] } {
  const content = typeof text === 'string' ? Buffer.from(text) : text;
  const warnings: string[] = [];
  const hits = (analyzer.analyze({ path, content, size: content.length, mode: 0o644, warn: (m) => warnings.push(m) }) as SecretHit[] | undefined) ?? [];
  return { hits, warnings };
}

describe('secrets analyser', () => {
  it('reports several secrets with 1-based lines and columns, and earlier rules win overlaps', () => {
    const gh = SAMPLES['github-pat']!().secret;
    const pw = password();
    const text = `first line\n  url = "https://bot:${gh}@github.com/x"\nDB_PASSWORD=${pw}\n`;
    const { hits } = analyze(text, 'app/.env');
    const lines = text.split('\n');
    assert.deepEqual(
      hits.map((h) => [h.rule, h.line, h.column, h.severity]),
      [
        ['github-pat', 2, lines[1]!.indexOf(gh) + 1, 'high'],
        ['generic-password', 3, lines[2]!.indexOf(pw) + 1, 'medium'],
      ],
    );
    const serialised = JSON.stringify(hits);
    assert.ok(!serialised.includes(gh) && !serialised.includes(pw));
  });

  it('finds encrypted PKCS#1 keys with their RFC 1421 headers', () => {
    const pem = realKeys().rsaEncrypted;
    assert.match(pem, /Proc-Type: 4,ENCRYPTED/u);
    const { hits } = analyze(pem, 'root/.ssh/id_rsa');
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.rule, 'private-key-rsa');
    assert.equal(hits[0]!.severity, 'critical');
    assert.ok(!JSON.stringify(hits).includes(pemBody(pem).slice(0, 40)));
  });

  it('skips binary files, documentation and package test suites, but not application test folders', () => {
    const token = SAMPLES['npm-access-token']!().text;
    assert.deepEqual(analyze(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), Buffer.from(token)])).hits, []);
    const size = { size: token.length, mode: 0o644 };
    assert.equal(analyzer.wants('usr/share/doc/npm/README', size), false);
    assert.equal(analyzer.wants('usr/lib/python3/dist-packages/x/tests/keys.py', size), false);
    assert.equal(analyzer.wants('app/node_modules/x/test/fixture.js', size), false);
    assert.equal(analyzer.wants('app/logo.png', size), false);
    assert.equal(analyzer.wants('app/test/.env', size), true);
    assert.equal(analyzer.wants('root/.ssh/id_rsa', size), true);
    assert.equal(analyzer.wants('app/big.js', { size: 11 * 1024 * 1024, mode: 0o644 }), false);
    assert.equal(secretsAnalyzer({ noDefaultSkips: true }).wants('usr/share/doc/npm/README', size), true);
  });

  it('caps the hits of one file and says so', () => {
    const lines = Array.from({ length: 250 }, () => `${SAMPLES['github-pat']!().secret}\n`).join('');
    const { hits, warnings } = analyze(lines);
    assert.equal(hits.length, 200);
    assert.equal(warnings.length, 1);
  });

  it('changes its cache version with its options', () => {
    assert.notEqual(secretsAnalyzer().version, secretsAnalyzer({ disableRules: ['jwt'] }).version);
    assert.equal(secretsAnalyzer().version, secretsAnalyzer({}).version);
  });
});

describe('image configuration', () => {
  it('scans ENV, labels, Cmd/Entrypoint and history, once per secret', () => {
    const aws = `AKIA${rand('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
    const awsSecret = rand(`${B62}+/`, 40);
    const stripe = `sk_live_${rand(B62, 40)}`;
    const slack = `xoxb-${rand('0123456789', 11)}-${rand('0123456789', 12)}-${rand(B62, 24)}`;
    const pw = password();
    const config: ImageConfig = {
      config: {
        Env: ['PATH=/usr/bin', `AWS_ACCESS_KEY_ID=${aws}`, `AWS_SECRET_ACCESS_KEY=${awsSecret}`],
        Labels: { 'org.example.deploy-key': stripe },
        Cmd: ['node', 'server.js', `--db=postgres://app:${pw}@db:5432/app`],
        Entrypoint: null,
      },
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:abc in /' },
        { created_by: `/bin/sh -c #(nop)  ENV AWS_ACCESS_KEY_ID=${aws}` },
        { created_by: `|1 SLACK=${slack} /bin/sh -c curl -H "Authorization: Bearer $SLACK" https://slack.com` },
      ],
    };
    const hits = scanImageConfig(config);
    const col = (text: string, secret: string) => text.indexOf(secret) + 1;
    assert.deepEqual(
      hits.map((h) => [h.rule, h.location, h.column]),
      [
        ['aws-access-key-id', 'config.Env[1]', col(config.config!.Env![1]!, aws)],
        ['aws-secret-access-key', 'config.Env[2]', col(config.config!.Env![2]!, awsSecret)],
        ['stripe-secret-key', 'config.Labels["org.example.deploy-key"]', col(`org.example.deploy-key=${stripe}`, stripe)],
        ['url-password', 'config.Cmd', col(config.config!.Cmd!.join(' '), pw)],
        ['slack-bot-token', 'history[2].created_by', col(config.history![2]!.created_by!, slack)],
      ],
    );
    const serialised = JSON.stringify(secretFindings(hits.map((hit) => ({ hit })), { image: 'x:1' }));
    for (const secret of [aws, awsSecret, stripe, slack, pw]) assert.ok(!serialised.includes(secret));
  });
});

describe('findings', () => {
  it('makes secret findings, one per secret and path across layers, with redacted evidence', () => {
    const token = SAMPLES['github-pat']!();
    const hit = analyze(token.text).hits[0]!;
    const located: LocatedSecretHit[] = [
      { hit, path: 'app/.env', layerIndex: 3, layerDigest: 'sha256:c', layerCreatedBy: 'COPY . /app' },
      { hit, path: 'app/.env', layerIndex: 1, layerDigest: 'sha256:a', layerCreatedBy: 'COPY .env /app/', deleted: true },
      { hit, path: 'root/.env', layerIndex: 1, layerDigest: 'sha256:a' },
    ];
    const findings = secretFindings(located, { image: 'registry.internal/app:1', imageDigest: 'sha256:f' });
    assert.equal(findings.length, 2);
    const first = findings[0]!;
    assert.equal(first.id, 'github-pat');
    assert.equal(first.kind, 'secret');
    assert.equal(first.severity, 'high');
    assert.equal(first.target.layerIndex, 1);
    assert.equal(first.target.path, 'app/.env');
    const secretLine = token.text.split('\n')[1]!;
    assert.deepEqual(first.evidence, {
      rule: 'github-pat',
      match: hit.redacted,
      line: '2',
      column: String(secretLine.indexOf(token.secret) + 1),
      deleted: 'true',
      layers: '1,3',
    });
    assert.match(first.remediation!, /later layer leaves it in layer 1/u);
    assert.equal(findings[1]!.target.path, 'root/.env');
    const serialised = JSON.stringify(findings);
    assert.ok(!serialised.includes(token.secret));
    assert.ok(!serialised.includes(hit.sha256), 'digests stay out of findings');
  });
});
