import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rubygems } from './rubygems.js';
import { DisagreementLog, pairs } from './testing-b/differential.js';
import { createRandom, seedFromEnv } from './testing-b/random.js';
import { runBatch } from './testing-b/reference-process.js';
import { mutateRubygems, rubygemsVersion } from './testing-b/rubygems-versions.js';

const PAIRS = 10_000;

test('rubygems: agrees with Gem::Version (<=> and correct?) on 10,000 tricky pairs', async () => {
  const seed = seedFromEnv();
  const random = createRandom(seed);
  console.log(`rubygems differential seed: ${seed} (replay with BULKHEAD_SEED=${seed})`);
  const input = pairs(PAIRS, random.chance, () => rubygemsVersion(random), (v) => mutateRubygems(random, v));
  const script = fileURLToPath(new URL('./testing-b/rubygems-reference.rb', import.meta.url));
  const answers = await runBatch('ruby', [script], input.map((p) => JSON.stringify(p)), 'ruby');
  const log = new DisagreementLog();
  let compared = 0;
  input.forEach(([a, b], i) => {
    const [correctA, correctB, cmp] = JSON.parse(answers[i] as string) as [boolean, boolean, number | null];
    log.check('valid', [a], rubygems.valid(a), correctA);
    log.check('valid', [b], rubygems.valid(b), correctB);
    if (cmp !== null) {
      compared++;
      log.check('compare', [a, b], rubygems.compare(a, b), cmp);
    }
  });
  console.log(`rubygems: ${compared} pairs compared, ${log.agreed} checks agree`);
  assert.ok(compared > PAIRS * 0.8, `only ${compared} pairs were valid for Gem::Version`);
  assert.equal(log.list.length, 0, log.report('rubygems', seed));
});
