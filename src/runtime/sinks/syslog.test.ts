import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BulkheadError } from '../../errors.js';
import type { RuntimeEvent } from '../events/types.js';
import { openSyslogSink } from './syslog.js';
import { parseSyslogTarget } from './syslog-target.js';
import { SYSLOG_FACILITIES, SYSLOG_SEVERITY } from './syslog-format.js';
import { sampleEvent } from './test-events.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-syslog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** RFC 5424 §6 read back: header fields, SD params (unescaped per §6.3.3) and the MSG after its BOM. */
function parse(bytes: Buffer): { pri: number; version: string; time: string; host: string; app: string; procId: string; msgId: string; sdId: string; params: Record<string, string>; msg: string; bom: boolean } {
  const text = bytes.toString('utf8');
  const head = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) \[([^ \]]+)/u.exec(text);
  assert.ok(head, text);
  let i = head[0].length;
  const params: Record<string, string> = {};
  while (text[i] === ' ') {
    const name = /^ ([^= \]"]+)="/u.exec(text.slice(i))!;
    i += name[0].length;
    let value = '';
    for (; text[i] !== '"'; i++) value += text[i] === '\\' && '"\\]'.includes(text[i + 1]!) ? text[++i] : text[i];
    params[name[1]!] = value;
    i++;
  }
  assert.equal(text[i], ']');
  const rest = bytes.subarray(Buffer.byteLength(text.slice(0, i + 1)));
  const bom = rest.subarray(1, 4).equals(Buffer.from([0xef, 0xbb, 0xbf]));
  return { pri: Number(head[1]), version: head[2]!, time: head[3]!, host: head[4]!, app: head[5]!, procId: head[6]!, msgId: head[7]!, sdId: head[8]!, params, msg: rest.subarray(bom ? 4 : 1).toString('utf8'), bom };
}

function assertMatches(bytes: Buffer, event: RuntimeEvent, facility: number): void {
  const m = parse(bytes);
  assert.equal(m.pri, facility * 8 + SYSLOG_SEVERITY[event.severity]);
  assert.equal(m.version, '1');
  assert.equal(m.time, event.time);
  assert.equal(m.host, 'test-host');
  assert.equal(m.app, 'bulkhead');
  assert.equal(m.procId, String(process.pid));
  assert.equal(m.msgId, event.type);
  assert.equal(m.sdId, 'bulkhead@32473');
  assert.deepEqual(m.params, {
    container: event.container.name,
    'container-id': event.container.id,
    image: event.container.image,
    'image-digest': event.container.imageDigest,
    severity: event.severity,
    action: event.action,
    rule: event.rule,
    pid: String(event.process.pid),
    path: event.process.path,
  });
  assert.ok(m.bom, 'MSG starts with the UTF-8 BOM (§6.4)');
  assert.equal(m.msg, event.reason);
}

/** An event whose structured-data values need every §6.3.3 escape. */
function hostileEvent(i: number): RuntimeEvent {
  const e = sampleEvent(i);
  return { ...e, container: { ...e.container, name: `we"b]\\${i}` }, process: { ...e.process, path: '/tmp/a]b"c\\d' } };
}

test('UDP: one RFC 5424 message per datagram, fields and escapes read back', async () => {
  const server = dgram.createSocket('udp4');
  const received: Buffer[] = [];
  server.on('message', (m) => received.push(m));
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const sink = await openSyslogSink(`udp://127.0.0.1:${port}?facility=local3`, { hostname: 'test-host' });
  const events = Array.from({ length: 20 }, (_, i) => hostileEvent(i));
  for (const e of events) sink.write(e);
  await sink.close();
  for (let t = 0; t < 100 && received.length < events.length; t++) await new Promise((r) => setTimeout(r, 10));
  server.close();
  assert.equal(received.length, events.length);
  for (const e of events) assertMatches(received.find((b) => parse(b).params['pid'] === String(e.process.pid))!, e, SYSLOG_FACILITIES.local3);
});

/** Splits an RFC 6587 §3.4.1 octet-counted stream: `LEN SP MSG`, LEN counting bytes. */
function octetFrames(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let i = 0;
  while (i < stream.length) {
    const sp = stream.indexOf(0x20, i);
    const len = Number(stream.subarray(i, sp).toString('ascii'));
    assert.ok(Number.isInteger(len) && len > 0, `bad frame length at ${i}`);
    frames.push(stream.subarray(sp + 1, sp + 1 + len));
    i = sp + 1 + len;
  }
  return frames;
}

test('TCP: octet-counting framing; events written while the receiver is down arrive after it starts', async () => {
  // find a free port, then leave it closed for the first writes
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));

  const sink = await openSyslogSink(`tcp://127.0.0.1:${port}`, { hostname: 'test-host', reconnectMs: 50 });
  const events = Array.from({ length: 30 }, (_, i) => ({ ...hostileEvent(i), reason: `line one\nline two ${i} ünïcode` }));
  for (const e of events.slice(0, 10)) sink.write(e);

  const chunks: Buffer[] = [];
  const server = net.createServer((s) => s.on('data', (d) => chunks.push(d)));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  for (let t = 0; t < 200 && Buffer.concat(chunks).length === 0; t++) await new Promise((r) => setTimeout(r, 10));
  for (const e of events.slice(10)) sink.write(e);
  await sink.close();
  await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => server.close(r));
  const frames = octetFrames(Buffer.concat(chunks));
  assert.equal(frames.length, events.length);
  frames.forEach((f, i) => assertMatches(f, events[i]!, SYSLOG_FACILITIES.daemon));
});

test('unix stream socket: one message per line; a datagram socket is refused with a clear message', async () => {
  const path = join(dir, 'log.sock');
  let text = '';
  const server = net.createServer((s) => s.on('data', (d) => (text += d)));
  await new Promise<void>((r) => server.listen(path, r));
  const sink = await openSyslogSink(`unix://${path}`, { hostname: 'test-host' });
  const events = [sampleEvent(1), { ...sampleEvent(2), reason: 'two\nlines' }];
  for (const e of events) sink.write(e);
  await sink.close();
  await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => server.close(r));
  const lines = text.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 2);
  assertMatches(Buffer.from(lines[0]!), events[0]!, SYSLOG_FACILITIES.daemon);
  assert.equal(parse(Buffer.from(lines[1]!)).msg, 'two lines');

  await assert.rejects(openSyslogSink(`unix://${join(dir, 'absent.sock')}`), (e: unknown) => e instanceof BulkheadError && /absent\.sock: cannot connect to the syslog socket \(ENOENT\)/u.test(e.message));
});

test('parseSyslogTarget: schemes, default port and facility, clear errors', () => {
  assert.deepEqual(parseSyslogTarget('udp://127.0.0.1'), { transport: 'udp', host: '127.0.0.1', port: 514, facility: 'daemon' });
  assert.deepEqual(parseSyslogTarget('tcp://[::1]:6514?facility=local0'), { transport: 'tcp', host: '::1', port: 6514, facility: 'local0' });
  assert.deepEqual(parseSyslogTarget('unix:///dev/log'), { transport: 'unix', path: '/dev/log', facility: 'daemon' });
  for (const [text, reason] of [
    ['syslog.example', 'not a URL'],
    ['http://h:1', 'unknown scheme "http"'],
    ['udp://h:70000', 'port "70000" out of range'],
    ['udp://h:1?facility=nope', 'unknown facility "nope"'],
    ['udp://h:1?x=1', 'unknown parameter "x"'],
    ['unix://dev/log', 'must be absolute'],
    ['tcp://h:1/path', 'a path is not allowed'],
  ] as const) {
    assert.throws(() => parseSyslogTarget(text), (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_INVALID' && e.message.startsWith(`syslog target "${text}": `) && e.message.includes(reason), text);
  }
});
