import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isBulkheadError } from '../../errors.js';
import { daemonEndpoint } from '../../image/daemon-api.js';
import { inspectInventory, listContainers } from './inventory.js';

/** A stand-in daemon on a unix socket in a temporary folder, answering fixed documents per path. */
describe('inspectInventory over the Engine API', () => {
  let dir: string;
  let server: Server;
  const answers = new Map<string, [number, unknown]>();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bulkhead-inventory-'));
    server = createServer((req, res) => {
      const [status, body] = answers.get(req.url ?? '') ?? [404, { message: `No such object: ${req.url}` }];
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'docker.sock'), resolve));
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips a container removed between the list and its inspection, and keeps one whose image is gone', async () => {
    answers.set('/containers/json', [200, [{ Id: 'aaa', Names: ['/gone'] }, { Id: 'bbb', Names: ['/kept'], ImageID: 'sha256:img' }]]);
    answers.set('/containers/bbb/json', [200, { Id: 'bbb', Name: '/kept', Image: 'sha256:img', Config: { User: '1000', Image: 'app:1' }, HostConfig: { Memory: 1, NanoCpus: 1, PidsLimit: 5 } }]);
    const endpoint = daemonEndpoint(`unix://${join(dir, 'docker.sock')}`);
    assert.equal((await listContainers(endpoint)).length, 2);
    const inventory = await inspectInventory(endpoint);
    assert.deepEqual(inventory.containers.map((c) => c.name), ['kept']);
    assert.equal(inventory.containers[0]!.imageUser, undefined);
    assert.deepEqual(inventory.findings, []);
  });

  it('turns a daemon error into DAEMON_ERROR with its message', async () => {
    answers.set('/containers/json', [500, { message: 'boom' }]);
    await assert.rejects(inspectInventory(daemonEndpoint(`unix://${join(dir, 'docker.sock')}`)), (e: unknown) => isBulkheadError(e) && e.code === 'DAEMON_ERROR' && /boom/u.test(e.message));
  });

  it('names the endpoint when no daemon answers', async () => {
    await assert.rejects(inspectInventory(daemonEndpoint(`unix://${join(dir, 'absent.sock')}`)), (e: unknown) => isBulkheadError(e) && e.code === 'DAEMON_UNAVAILABLE' && e.message.includes('absent.sock'));
  });
});
