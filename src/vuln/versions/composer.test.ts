import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { composer, normalizeComposerVersion } from './composer.js';
import { composerVersion, mutateComposer } from './testing-b/composer-versions.js';
import { DisagreementLog, pairs } from './testing-b/differential.js';
import { createRandom, seedFromEnv } from './testing-b/random.js';
import { requireFile, runBatch } from './testing-b/reference-process.js';

const AUTOLOAD = '/usr/share/php/Composer/Semver/autoload.php';
const PAIRS = 10_000;

/** PHP trim(). */
const phpTrim = (s: string): string => s.replace(/^[ \t\n\r\0\v]+|[ \t\n\r\0\v]+$/g, '');

type Answer = [string | null, string | null, boolean | null, boolean | null, boolean | null, number | null];

test('composer: agrees with composer/semver (normalize, Comparator) on 10,000 tricky pairs', async () => {
  requireFile(AUTOLOAD, 'php-composer-semver');
  const seed = seedFromEnv();
  const random = createRandom(seed);
  console.log(`composer differential seed: ${seed} (replay with BULKHEAD_SEED=${seed})`);
  const input = pairs(PAIRS, random.chance, () => composerVersion(random), (v) => mutateComposer(random, v));
  const script = fileURLToPath(new URL('./testing-b/composer-reference.php', import.meta.url));
  const answers = await runBatch('php', [script], input.map((p) => JSON.stringify(p)), 'php-cli');
  const log = new DisagreementLog();
  let compared = 0;
  input.forEach(([a, b], i) => {
    const [na, nb, lt, eq, gt, versionCompare] = JSON.parse(answers[i] as string) as Answer;
    log.check('normalize', [a], normalizeComposerVersion(a) ?? null, na);
    log.check('normalize', [b], normalizeComposerVersion(b) ?? null, nb);
    log.check('valid', [a], composer.valid(a), na !== null);
    log.check('valid', [b], composer.valid(b), nb !== null);
    if (na === null || nb === null) {
      // Best effort for versions Composer rejects: version_compare on what normalize could do.
      // version_compare is not reflexive on junk ("1.0.*" < "1.0.*"); ours is, by contract.
      const fa = na ?? phpTrim(a);
      const fb = nb ?? phpTrim(b);
      if (fa === fb) log.check('reflexive', [a, b], composer.compare(a, b), 0);
      else log.check('fallback version_compare', [a, b], composer.compare(a, b), versionCompare);
      return;
    }
    compared++;
    const ours = composer.compare(a, b);
    const reference = lt ? -1 : eq ? 0 : gt ? 1 : undefined;
    if (reference !== undefined) {
      log.check('compare', [a, b], ours, reference);
    } else {
      // Comparator orders two different dev- branches neither way; ours must still say "different"
      // and follow version_compare wherever that decides.
      log.check('branches differ', [a, b], ours !== 0, true);
      if (versionCompare !== 0) log.check('branch version_compare', [a, b], ours, versionCompare);
    }
  });
  console.log(`composer: ${compared} pairs compared, ${log.agreed} checks agree`);
  assert.ok(compared > PAIRS * 0.6, `only ${compared} pairs normalized on both sides`);
  assert.equal(log.list.length, 0, log.report('composer', seed));
});
