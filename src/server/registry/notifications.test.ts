import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envelopeSchema, manifestPushes } from './notifications.js';

const registry = { id: 'r1', url: 'http://127.0.0.1:5000', username: null, secret_enc: null, repositories: '[]' };
const digest = 'sha256:' + 'c'.repeat(64);
const event = (action: string, mediaType: string, extra: Record<string, unknown> = {}) => ({
  id: 'e', timestamp: '2024-01-01T00:00:00Z', action,
  target: { mediaType, digest, repository: 'team/app', url: `http://127.0.0.1:5000/v2/team/app/manifests/${digest}`, ...extra },
  request: { id: 'q', addr: '127.0.0.1:4000', host: '127.0.0.1:5000', method: 'PUT', useragent: 'skopeo' },
  actor: {}, source: { addr: 'h:5000', instanceID: 'i' },
});

test('notifications: only manifest pushes from configured registries are scans; tags of one digest merge', () => {
  const envelope = envelopeSchema.parse({
    events: [
      event('push', 'application/vnd.docker.distribution.manifest.v2+json', { tag: '1' }),
      event('push', 'application/vnd.oci.image.manifest.v1+json', { tag: '2' }),
      event('pull', 'application/vnd.docker.distribution.manifest.v2+json', { tag: '1' }),
      event('push', 'application/vnd.docker.image.rootfs.diff.tar.gzip'),
      { ...event('push', 'application/vnd.oci.image.index.v1+json'), request: { host: 'elsewhere:5000' }, target: { mediaType: 'application/vnd.oci.image.index.v1+json', digest, repository: 'x', url: 'http://elsewhere:5000/v2/x/manifests/' + digest } },
    ],
  });
  const sorted = manifestPushes(envelope, [registry]);
  assert.deepEqual(sorted.pushes.map((p) => ({ id: p.registry.id, repository: p.repository, digest: p.digest, tags: p.tags })), [{ id: 'r1', repository: 'team/app', digest, tags: ['1', '2'] }]);
  assert.equal(sorted.ignored, 2);
  assert.equal(sorted.unknownRegistry, 1);
});
