import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference, formatReference, isLoopbackRegistry } from './reference.js';
import { BulkheadError } from '../errors.js';

test('Docker Hub short names expand as the Docker CLI does', () => {
  assert.equal(formatReference(parseReference('debian')), 'docker.io/library/debian:latest');
  assert.equal(formatReference(parseReference('debian:12')), 'docker.io/library/debian:12');
  assert.equal(formatReference(parseReference('bitnami/redis')), 'docker.io/bitnami/redis:latest');
  assert.equal(formatReference(parseReference('docker://index.docker.io/library/alpine:3')), 'docker.io/library/alpine:3');
});

test('registry hosts with ports, digests and tags', () => {
  const d = 'sha256:' + 'a'.repeat(64);
  assert.deepEqual(parseReference(`127.0.0.1:5000/team/app:v1@${d}`), {
    transport: 'registry', registry: '127.0.0.1:5000', repository: 'team/app', tag: 'v1', digest: d,
  });
  assert.deepEqual(parseReference(`localhost/app@${d}`), { transport: 'registry', registry: 'localhost', repository: 'app', digest: d });
});

test('transports', () => {
  assert.deepEqual(parseReference('docker-archive:/tmp/x.tar'), { transport: 'docker-archive', path: '/tmp/x.tar' });
  assert.deepEqual(parseReference('oci:/tmp/layout:v1'), { transport: 'oci', path: '/tmp/layout', selector: 'v1' });
  assert.deepEqual(parseReference('oci:./layout'), { transport: 'oci', path: './layout' });
  assert.deepEqual(parseReference('docker-daemon:debian:12'), { transport: 'docker-daemon', name: 'debian:12' });
  assert.deepEqual(parseReference('dir:/'), { transport: 'dir', path: '/' });
  assert.deepEqual(parseReference('sbom:bom.json'), { transport: 'sbom', path: 'bom.json' });
});

test('bad references are rejected with a code and the input named', () => {
  for (const [input, code] of [
    ['', 'REFERENCE_INVALID'],
    ['Debian/UPPER:1', 'REFERENCE_INVALID'],
    ['debian@sha256:xyz', 'REFERENCE_INVALID'],
    ['debian:bad tag', 'REFERENCE_INVALID'],
    ['ftp://example/x', 'TRANSPORT_UNKNOWN'],
    ['podman:/var/lib/x', 'TRANSPORT_UNKNOWN'],
  ] as const) {
    assert.throws(() => parseReference(input), (e: unknown) => e instanceof BulkheadError && e.code === code && e.message.includes(`"${input}"`), input);
  }
});

test('loopback registries', () => {
  assert.ok(isLoopbackRegistry('127.0.0.1:5000'));
  assert.ok(isLoopbackRegistry('localhost:5000'));
  assert.ok(isLoopbackRegistry('[::1]:5000'));
  assert.ok(!isLoopbackRegistry('docker.io'));
  assert.ok(!isLoopbackRegistry('10.0.0.1:5000'));
});
