import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessTable } from './process-table.js';

test('the process table evicts the least recently set pid at capacity and forgets whole containers', () => {
  const table = new ProcessTable(3);
  table.set(1, { containerId: 'a', path: '/bin/sh', comm: 'sh' });
  table.set(2, { containerId: 'a', path: '/bin/sh', comm: 'sh' });
  table.set(3, { containerId: 'b', path: '/bin/sh', comm: 'sh' });
  table.set(1, { containerId: 'a', path: '/bin/ls', comm: 'ls' }); // refreshed: now the newest
  table.set(4, { containerId: 'b', path: '', comm: 'x' });
  assert.equal(table.get(2), undefined, 'the oldest went');
  assert.equal(table.get(1)?.path, '/bin/ls');
  assert.equal(table.size, 3);
  table.forgetContainer('b');
  assert.equal(table.size, 1);
  table.delete(1);
  assert.equal(table.size, 0);
});
