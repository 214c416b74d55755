import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageNameOf } from './container-lookup.js';

test('imageNameOf drops registry, tag, digest and library/ the way Docker names resolve', () => {
  const digest = 'sha256:' + 'a'.repeat(64);
  const cases: Array<[string, string]> = [
    ['redis', 'redis'],
    ['redis:7', 'redis'],
    ['docker.io/library/redis:7', 'redis'],
    [`redis@${digest}`, 'redis'],
    ['registry.example.com:5000/team/app:1.2', 'team/app'],
    ['localhost/app', 'app'],
    ['localhost:5000/app:dev', 'app'],
    ['bulkhead-test/agent-ttl:1', 'bulkhead-test/agent-ttl'],
    [digest, digest],
  ];
  for (const [reference, name] of cases) assert.equal(imageNameOf(reference), name, reference);
});
