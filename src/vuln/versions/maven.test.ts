import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { maven } from './maven.js';
import { DisagreementLog, pairs } from './testing-b/differential.js';
import { mavenVersion, mutateMaven } from './testing-b/maven-versions.js';
import { createRandom, seedFromEnv } from './testing-b/random.js';
import { requireFile, runBatch } from './testing-b/reference-process.js';

const JAR = '/usr/share/java/maven-artifact-3.x.jar';
const PAIRS = 10_000;

/** Examples of the POM reference, "Version Order Specification" (maven.apache.org/pom.html). */
const SPEC_EXAMPLES: Array<[string, string]> = [
  ['1', '1.1'],
  ['1-snapshot', '1'],
  ['1', '1-sp'],
  ['1-foo2', '1-foo10'],
  ['1.foo', '1-foo'],
  ['1-foo', '1-1'],
  ['1-1', '1.1'],
  ['1.ga', '1-ga'],
  ['1-ga', '1-0'],
  ['1-0', '1.0'],
  ['1.0', '1'],
  ['1-sp', '1-ga'],
  ['1-sp.1', '1-ga.1'],
  ['1-sp-1', '1-ga-1'],
  ['1-ga-1', '1-1'],
  ['1-a1', '1-alpha-1'],
];

async function referenceSigns(input: ReadonlyArray<[string, string]>): Promise<number[]> {
  requireFile(JAR, 'libmaven3-core-java');
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-maven-'));
  try {
    const source = join(dir, 'MavenReference.java');
    copyFileSync(fileURLToPath(new URL('./testing-b/MavenReference.java', import.meta.url)), source);
    const lines = input.map(([a, b]) => `${a}\t${b}`);
    const answers = await runBatch('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', JAR, source], lines, 'default-jre-headless');
    return answers.map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('maven: agrees with Maven ComparableVersion on the POM reference examples and 10,000 tricky pairs', async () => {
  const seed = seedFromEnv();
  const random = createRandom(seed);
  console.log(`maven differential seed: ${seed} (replay with BULKHEAD_SEED=${seed})`);
  const input = [
    ...SPEC_EXAMPLES,
    ...pairs(PAIRS, random.chance, () => mavenVersion(random), (v) => mutateMaven(random, v)),
  ];
  const reference = await referenceSigns(input);
  const log = new DisagreementLog();
  input.forEach(([a, b], i) => log.check('compare', [a, b], maven.compare(a, b), reference[i]));
  console.log(`maven: ${log.agreed} of ${input.length} pairs agree`);
  assert.equal(log.list.length, 0, log.report('maven', seed));
});

test('maven: compare is antisymmetric and reflexive, valid rejects blanks', () => {
  const random = createRandom(7);
  for (let i = 0; i < 2000; i++) {
    const a = mavenVersion(random);
    const b = mutateMaven(random, a);
    assert.equal(maven.compare(a, b), -maven.compare(b, a) || 0, `${a} vs ${b}`);
    assert.equal(maven.compare(a, a), 0);
  }
  assert.equal(maven.valid('1.0-SNAPSHOT'), true);
  assert.equal(maven.valid(''), false);
  assert.equal(maven.valid('1.0 beta'), false);
});
