import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveMode, learningDue } from './modes.js';
import { PROFILE_MODES } from './schema.js';
import { emptyProfile } from './testing/observations.js';

test('effectiveMode: the agent mode is a ceiling over the profile mode (learn < monitor < protect)', () => {
  // every pair: the result is one of the two and never above either
  for (const agent of PROFILE_MODES) {
    for (const profile of PROFILE_MODES) {
      const result = effectiveMode(agent, profile);
      assert.ok(result === agent || result === profile);
      assert.ok(PROFILE_MODES.indexOf(result) <= Math.min(PROFILE_MODES.indexOf(agent), PROFILE_MODES.indexOf(profile)));
    }
  }
  assert.equal(effectiveMode('monitor', 'protect'), 'monitor');
  assert.equal(effectiveMode('protect', 'learn'), 'learn');
  assert.equal(effectiveMode('protect', 'protect'), 'protect');
});

test('learningDue: only a learning profile whose learnUntil has passed moves on', () => {
  const p = { ...emptyProfile(), learnUntil: '2026-12-01T00:00:00Z' };
  assert.equal(learningDue(p, Date.parse('2026-11-30T23:59:59Z')), undefined);
  assert.equal(learningDue(p, new Date('2026-12-01T00:00:00Z')), 'monitor');
  assert.equal(learningDue(p, Date.parse('2027-01-01T00:00:00Z'), 'protect'), 'protect');
  assert.equal(learningDue({ ...p, afterLearning: 'protect' }, Date.parse('2027-01-01T00:00:00Z')), 'protect');
  assert.equal(learningDue({ ...p, mode: 'monitor' }, Date.parse('2027-01-01T00:00:00Z')), undefined);
  assert.equal(learningDue(emptyProfile(), Date.parse('2099-01-01T00:00:00Z')), undefined);
  // an offset time is read as the instant it names
  assert.equal(learningDue({ ...p, learnUntil: '2026-12-01T01:00:00+01:00' }, Date.parse('2026-12-01T00:00:00Z')), 'monitor');
});
