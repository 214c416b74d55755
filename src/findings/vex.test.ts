import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isBulkheadError } from '../errors.js';
import { loadVex, MAX_VEX_BYTES, parseVex } from './vex.js';

// Documents in the shapes of the OpenVEX spec's examples (openvex/spec OPENVEX-SPEC.md: the minimal
// document, "Updating Statements with Inherited Data", the Spring Boot log4shell example) and of
// CycloneDX/bom-examples VEX/ (vex.json with a BOM-Link ref, CISA-Use-Cases, Use-Cases/Case-10).

const OPENVEX_SPRING = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://openvex.dev/docs/public/vex-2e67563e128250cbcb3e98930df948dd053e43271d70dc50cfa22d57e03fe96f',
  author: 'Spring Builds <spring-builds@users.noreply.github.com>',
  role: 'Project Release Bot',
  timestamp: '2023-01-16T19:07:16.853479631-06:00',
  version: 1,
  statements: [
    {
      vulnerability: {
        '@id': 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228',
        name: 'CVE-2021-44228',
        description: 'Remote code injection in Log4j',
        aliases: ['GHSA-jfh8-c2jp-5v3q'],
      },
      products: [
        {
          '@id': 'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3',
          identifiers: { purl: 'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3' },
          hashes: { 'sha-256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
          subcomponents: [{ '@id': 'pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1' }],
        },
      ],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impact_statement: 'Spring Boot users are only affected if they switched the default logging system to Log4J2.',
    },
  ],
};

/** The spec's inheritance example: the first statement keeps the old time, the second inherits the document's. */
const OPENVEX_UPDATED = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://openvex.dev/docs/example/vex-84822c4e5028c',
  author: 'Wolfi J Inkinson',
  role: 'Document Creator',
  timestamp: '2023-01-09T09:08:42-06:00',
  version: 1,
  statements: [
    {
      timestamp: '2023-01-08T18:02:03-06:00',
      vulnerability: { name: 'CVE-2023-12345' },
      products: [{ '@id': 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7' }],
      status: 'under_investigation',
    },
    {
      vulnerability: { name: 'CVE-2023-12345' },
      products: [{ '@id': 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7' }],
      status: 'fixed',
    },
  ],
};

const CYCLONEDX_VEX = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  version: 1,
  metadata: {
    timestamp: '2022-01-13T00:00:00Z',
    component: { name: 'Acme Product', type: 'application', 'bom-ref': 'acme-product' },
  },
  components: [
    {
      type: 'library',
      name: 'jackson-databind',
      group: 'com.fasterxml.jackson.core',
      version: '2.10.0',
      'bom-ref': 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar',
      purl: 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar',
      components: [{ type: 'library', name: 'lodash', 'bom-ref': 'inner-lodash', purl: 'pkg:npm/lodash' }],
    },
  ],
  vulnerabilities: [
    {
      id: 'CVE-2020-25649',
      source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2020-25649' },
      references: [{ id: 'SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302', source: { name: 'SNYK' } }],
      analysis: {
        state: 'not_affected',
        justification: 'code_not_reachable',
        response: ['will_not_fix', 'update'],
        detail: 'Automated dataflow analysis and manual code review indicates that the vulnerable code is not reachable.',
      },
      affects: [
        { ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar' },
      ],
    },
    {
      id: 'CVE-2021-44228',
      analysis: { state: 'exploitable', response: ['update'], detail: 'Upgrade.', lastUpdated: '2022-02-01T00:00:00Z' },
      affects: [{ ref: 'acme-product' }],
    },
    {
      id: 'CVE-2021-23337',
      analysis: { state: 'false_positive' },
      affects: [
        {
          ref: 'inner-lodash',
          versions: [
            { version: '4.17.20', status: 'unaffected' },
            { version: '4.17.19', status: 'affected' },
            { range: 'vers:npm/>=4.0.0|<4.17.0', status: 'unaffected' },
          ],
        },
      ],
    },
    { id: 'CVE-2022-0001', description: 'a finding report without analysis is not a statement' },
  ],
};

const text = (doc: unknown): string => JSON.stringify(doc, null, 2);

function refusal(source: string): string {
  try {
    parseVex(source, 'vex.json');
  } catch (e) {
    assert.ok(isBulkheadError(e));
    assert.equal(e.code, 'INPUT_INVALID');
    assert.equal(e.input, 'vex.json');
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  assert.fail('expected the VEX document to be refused');
}

describe('OpenVEX', () => {
  it('reads names, aliases, products with subcomponents, justification and the impact statement', () => {
    const [s] = parseVex(text(OPENVEX_SPRING), 'spring.openvex.json');
    assert.equal(s!.format, 'openvex');
    assert.deepEqual(s!.ids, ['CVE-2021-44228', 'GHSA-jfh8-c2jp-5v3q']);
    assert.deepEqual(s!.products, [
      'pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3',
      'pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1',
    ]);
    assert.equal(s!.status, 'not_affected');
    assert.equal(s!.justification, 'vulnerable_code_not_in_execute_path');
    assert.match(s!.detail!, /^Spring Boot users/);
    assert.equal(s!.timestamp, Date.parse(OPENVEX_SPRING.timestamp), 'the document time cascades to the statement');
  });

  it('keeps a statement its own timestamp and lets the others inherit the document time', () => {
    const [first, second] = parseVex(text(OPENVEX_UPDATED), 'wolfi.json');
    assert.equal(first!.timestamp, Date.parse('2023-01-08T18:02:03-06:00'));
    assert.equal(second!.timestamp, Date.parse(OPENVEX_UPDATED.timestamp));
    assert.ok(second!.timestamp > first!.timestamp);
  });

  it('accepts a bare-string vulnerability (v0.0.1 documents) and the `@context` without version', () => {
    const doc = { ...OPENVEX_UPDATED, '@context': 'https://openvex.dev/ns', statements: [{ vulnerability: 'CVE-2023-1', products: [{ '@id': 'pkg:npm/x' }], status: 'fixed' }] };
    assert.deepEqual(parseVex(text(doc), 'v.json')[0]!.ids, ['CVE-2023-1']);
  });

  it('refuses a not_affected statement without justification or impact statement, pointing at it', () => {
    const doc = structuredClone(OPENVEX_SPRING) as { statements: Array<Record<string, unknown>> };
    delete doc.statements[0]!['justification'];
    delete doc.statements[0]!['impact_statement'];
    const source = text(doc);
    const line = source.split('\n').findIndex((l) => l.includes('"status": "not_affected"')) + 1;
    assert.match(refusal(source), new RegExp(`^vex\\.json:${line}:\\d+: statements\\[0\\]\\.status: a not_affected statement needs a justification`));
  });

  it('refuses unknown statuses and justifications and timestamps that are not times', () => {
    const bad = (patch: Record<string, unknown>): string =>
      refusal(text({ ...OPENVEX_UPDATED, statements: [{ ...OPENVEX_UPDATED.statements[1], ...patch }] }));
    assert.match(bad({ status: 'not_sure' }), /statements\[0\]\.status: /);
    assert.match(bad({ status: 'not_affected', justification: 'trust_me' }), /statements\[0\]\.justification: /);
    assert.match(bad({ timestamp: 'yesterday' }), /statements\[0\]\.timestamp: not an RFC 3339 date-time/);
  });
});

describe('CycloneDX VEX', () => {
  const statements = parseVex(text(CYCLONEDX_VEX), 'bom.vex.json');

  it('makes one statement per analysed vulnerability; a vulnerability without analysis is none', () => {
    assert.deepEqual(statements.map((s) => s.ids[0]), ['CVE-2020-25649', 'CVE-2021-44228', 'CVE-2021-23337']);
  });

  it('resolves a BOM-Link ref, keeps reference ids as aliases and maps states to VEX statuses', () => {
    const [jackson, log4j] = statements;
    assert.deepEqual(jackson!.products, ['pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar']);
    assert.deepEqual(jackson!.ids, ['CVE-2020-25649', 'SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302']);
    assert.equal(jackson!.status, 'not_affected');
    assert.equal(jackson!.justification, 'code_not_reachable');
    assert.equal(jackson!.timestamp, Date.parse('2022-01-13T00:00:00Z'), 'metadata.timestamp when the analysis has no time');
    assert.equal(log4j!.status, 'affected');
    assert.equal(log4j!.vexStatus, 'exploitable');
    assert.deepEqual(log4j!.products, [], 'the metadata component has no purl');
    assert.equal(log4j!.timestamp, Date.parse('2022-02-01T00:00:00Z'));
  });

  it('narrows to exact versions that agree with the analysis; ranges are not evaluated', () => {
    const lodash = statements[2]!;
    assert.equal(lodash.status, 'not_affected');
    assert.equal(lodash.vexStatus, 'false_positive');
    assert.deepEqual(lodash.products, ['pkg:npm/lodash@4.17.20'], 'nested component bom-ref; the affected version is left out');
    assert.deepEqual(lodash.unevaluated, ['vers:npm/>=4.0.0|<4.17.0']);
  });

  it('maps every CycloneDX 1.4-1.6 analysis state', () => {
    const states = ['not_affected', 'false_positive', 'resolved', 'resolved_with_pedigree', 'exploitable', 'in_triage'];
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      vulnerabilities: states.map((state) => ({ id: 'CVE-1', analysis: { state }, affects: [{ ref: 'pkg:npm/x@1' }] })),
    };
    assert.deepEqual(parseVex(text(doc), 'v.json').map((s) => s.status), ['not_affected', 'not_affected', 'fixed', 'fixed', 'affected', 'under_investigation']);
    const unknown = { ...doc, vulnerabilities: [{ id: 'CVE-1', analysis: { state: 'probably_fine' } }] };
    assert.match(refusal(text(unknown)), /^vex\.json:\d+:\d+: vulnerabilities\[0\]\.analysis\.state: /);
    assert.match(refusal(text({ ...doc, specVersion: '1.3' })), /specVersion: vulnerabilities need CycloneDX 1\.4 or later/);
  });
});

describe('VEX input', () => {
  it('refuses documents of neither format, malformed JSON and deep nesting in one line', () => {
    assert.match(refusal('{"hello": "world"}'), /^vex\.json: not a VEX document/);
    assert.match(refusal('{"bomFormat": "CycloneDX",\n  "specVersion": }'), /^vex\.json(:2:\d+)?: not valid JSON: /);
    assert.match(refusal(''), /^vex\.json: not valid JSON: /);
    const deep = `{"bomFormat":"CycloneDX","specVersion":"1.5","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    assert.match(refusal(deep), /^vex\.json: nested deeper than 64 levels$/);
  });

  it('loads from disk and refuses a file over the cap before reading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bulkhead-vex-'));
    try {
      const good = join(dir, 'spring.json');
      await writeFile(good, text(OPENVEX_SPRING));
      assert.equal((await loadVex(good))[0]!.source, good);
      const huge = join(dir, 'huge.json');
      // A sparse file: the size is what stat reports, no need to write 64 MiB.
      await writeFile(huge, '{}');
      const { truncate } = await import('node:fs/promises');
      await truncate(huge, MAX_VEX_BYTES + 1);
      await assert.rejects(loadVex(huge), { code: 'INPUT_INVALID', message: `${huge}: file is ${MAX_VEX_BYTES + 1} bytes, over the ${MAX_VEX_BYTES}-byte limit` });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
