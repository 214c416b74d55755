import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with jitter inside the bound', () => {
    const highest = (attempt: number) => backoffDelay(attempt, {}, () => 1);
    const lowest = (attempt: number) => backoffDelay(attempt, {}, () => 0);
    assert.equal(highest(0), 500);
    assert.equal(highest(1), 1000);
    assert.equal(highest(3), 4000);
    assert.equal(highest(20), 30_000);
    assert.equal(highest(1000), 30_000);
    assert.equal(lowest(20), 3000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(6);
      assert.ok(d >= 3000 && d <= 30_000, `delay ${d}`);
    }
  });
});
