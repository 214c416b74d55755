/**
 * The socket-table parser against what the kernel writes: this process opens real TCP listeners and
 * clients and UDP sockets on 127.0.0.1 and ::1 (and an IPv4 client on a dual-stack listener, which
 * the kernel lists in tcp6 with an IPv4-mapped address), then finds them in /proc/self/net/* by port.
 * Inodes are checked against this process's own fd links and against `ss` (Debian package
 * `iproute2`), which reads the sockets over netlink rather than from these files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import {
  decodeHexAddress,
  parseNetLine,
  parseNetTable,
  TCP_CLOSE,
  TCP_ESTABLISHED,
  TCP_LISTEN,
  type NetSocketEntry,
} from './net-table.js';
import { socketInodeFromLink } from './socket-link.js';

async function listen(host: string): Promise<Server> {
  const server = createServer((s) => s.on('error', () => {}));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}

async function connect(host: string, port: number): Promise<Socket> {
  const socket = createConnection({ host, port });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

async function bindUdp(type: 'udp4' | 'udp6', host: string): Promise<UdpSocket> {
  const socket = createSocket(type);
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return socket;
}

function table(name: string, protocol: 'tcp' | 'udp'): NetSocketEntry[] {
  return parseNetTable(readFileSync(`/proc/self/net/${name}`, 'utf8'), protocol);
}

function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const inode = socketInodeFromLink(readlinkSync(`/proc/self/fd/${fd}`));
      if (inode) inodes.add(inode);
    } catch {
      // the fd used to list the folder is gone by now
    }
  }
  return inodes;
}

test('sockets of this process are found in /proc/self/net with their addresses, ports and states', async () => {
  const probe = spawnSync('sh', ['-c', 'command -v ss']);
  assert.equal(probe.status, 0, "'ss' is required as the reference; install the Debian package 'iproute2'");
  const server4 = await listen('127.0.0.1');
  const server6 = await listen('::1');
  const dual = await listen('::');
  const port4 = (server4.address() as AddressInfo).port;
  const port6 = (server6.address() as AddressInfo).port;
  const portDual = (dual.address() as AddressInfo).port;
  const client4 = await connect('127.0.0.1', port4);
  const client6 = await connect('::1', port6);
  const clientDual = await connect('127.0.0.1', portDual);
  const udp4 = await bindUdp('udp4', '127.0.0.1');
  const udp6 = await bindUdp('udp6', '::1');
  try {
    const tcp4 = table('tcp', 'tcp');
    const tcp6 = table('tcp6', 'tcp');
    const own = ownSocketInodes();

    const listener4 = tcp4.find((e) => e.localPort === port4 && e.state === TCP_LISTEN);
    assert.equal(listener4?.localAddress, '127.0.0.1');
    assert.equal(listener4?.family, 4);
    assert.equal(listener4?.remoteAddress, '0.0.0.0');
    const out4 = tcp4.find((e) => e.remotePort === port4 && e.localPort === client4.localPort);
    assert.equal(out4?.state, TCP_ESTABLISHED);
    assert.equal(out4?.remoteAddress, client4.remoteAddress);
    assert.equal(out4?.localAddress, client4.localAddress);

    const listener6 = tcp6.find((e) => e.localPort === port6 && e.state === TCP_LISTEN);
    assert.equal(listener6?.localAddress, '::1');
    assert.equal(listener6?.family, 6);
    assert.equal(listener6?.remoteAddress, '::');
    const out6 = tcp6.find((e) => e.remotePort === port6 && e.localPort === client6.localPort);
    assert.equal(out6?.state, TCP_ESTABLISHED);
    assert.equal(out6?.remoteAddress, client6.remoteAddress);

    const listenerDual = tcp6.find((e) => e.localPort === portDual && e.state === TCP_LISTEN);
    assert.equal(listenerDual?.localAddress, '::');
    const accepted = tcp6.find((e) => e.localPort === portDual && e.state === TCP_ESTABLISHED);
    assert.equal(accepted?.remotePort, clientDual.localPort);
    assert.equal(accepted?.localAddress, '::ffff:127.0.0.1');

    const u4 = table('udp', 'udp').find((e) => e.localPort === udp4.address().port);
    assert.deepEqual([u4?.localAddress, u4?.state, u4?.protocol], ['127.0.0.1', TCP_CLOSE, 'udp']);
    const u6 = table('udp6', 'udp').find((e) => e.localPort === udp6.address().port);
    assert.deepEqual([u6?.localAddress, u6?.state, u6?.family], ['::1', TCP_CLOSE, 6]);

    const ours = [listener4, out4, listener6, out6, listenerDual, accepted, u4, u6];
    for (const e of ours) assert.ok(own.has(e!.inode), `inode ${e!.inode} is one of this process's fds`);

    // ss -e prints "ino:N" per socket; the same sockets must carry the same inodes there.
    const ss = spawnSync('ss', ['-H', '-a', '-n', '-e', '-t', '-u'], { encoding: 'utf8' }).stdout;
    for (const e of ours) {
      const local = e!.family === 6 ? `[${e!.localAddress}]:${e!.localPort}` : `${e!.localAddress}:${e!.localPort}`;
      const line = ss.split('\n').find((l) => l.includes(`ino:${e!.inode} `));
      assert.ok(line, `ss lists inode ${e!.inode}`);
      // ss writes a wildcard IPv6 listener as `*:PORT` or `[::]:PORT` depending on its version.
      const fields = line.split(/\s+/);
      assert.ok(fields.includes(local) || fields.includes(`*:${e!.localPort}`), `ss line for ${local}: ${line}`);
    }
  } finally {
    for (const s of [client4, client6, clientDual]) s.destroy();
    for (const s of [server4, server6, dual]) s.close();
    udp4.close();
    udp6.close();
  }
});

test('hex addresses of other shapes are rejected and headers are skipped', () => {
  assert.equal(decodeHexAddress('0100007'), undefined);
  assert.equal(decodeHexAddress('0100007F01'), undefined);
  assert.equal(decodeHexAddress('XX00007F'), undefined);
  const header = readFileSync('/proc/self/net/tcp', 'utf8').split('\n')[0]!;
  assert.equal(parseNetLine(header, 'tcp'), undefined);
});
