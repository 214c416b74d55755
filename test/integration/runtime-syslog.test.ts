/**
 * Syslog output read by a real receiver: Debian's rsyslog (package `rsyslog`), run in the foreground
 * with its own config (imudp and imtcp on 127.0.0.1, never the system service), parses our RFC 5424
 * messages and writes MSGID, structured data, MSG and severity through a template to a file.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openSyslogSink } from '../../src/runtime/sinks/index.js';
import { sampleEvent } from '../../src/runtime/sinks/test-events.js';
import { requireCommand } from '../harness/exec.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-rsyslog-'));
const out = join(dir, 'out.log');
let rsyslogd: ChildProcess | undefined;
let udpPort = 0;
let tcpPort = 0;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  const bin = requireCommand('rsyslogd', 'rsyslog', 'the syslog receiver');
  udpPort = await freePort();
  tcpPort = await freePort();
  // one line per message: fields separated by TAB; %msg% without the BOM rsyslog keeps (it strips
  // nothing by default, so the template uses the RFC 5424-aware properties)
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    `global(workDirectory="${dir}")\n` +
      `module(load="imudp")\nmodule(load="imtcp")\n` +
      `input(type="imudp" address="127.0.0.1" port="${udpPort}")\n` +
      `input(type="imtcp" address="127.0.0.1" port="${tcpPort}")\n` +
      `template(name="fields" type="string" string="%syslogfacility%\\t%syslogseverity%\\t%hostname%\\t%app-name%\\t%procid%\\t%msgid%\\t%structured-data%\\t%msg%\\n")\n` +
      `*.* action(type="omfile" file="${out}" template="fields")\n`,
  );
  rsyslogd = spawn(bin, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  rsyslogd.stderr!.on('data', (d) => (err += d));
  // ready when the TCP input accepts connections
  for (let t = 0; ; t++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(tcpPort, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (t > 100 || rsyslogd.exitCode !== null) throw new Error(`rsyslogd did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(() => {
  rsyslogd?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function receivedLines(count: number): Promise<string[][]> {
  for (let t = 0; t < 200; t++) {
    const lines = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length >= count) return lines.map((l) => l.split('\t'));
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`rsyslog wrote fewer than ${count} lines to ${out}`);
}

test('rsyslog parses our UDP and TCP messages: facility, severity, header, structured data with escapes, MSG', async () => {
  const base = sampleEvent(3);
  const udpEvent = { ...base, severity: 'critical' as const, type: 'shell' as const, container: { ...base.container, name: 'we"b]\\1' }, reason: 'a shell ran in web ünïcode' };
  const tcpEvent = { ...sampleEvent(4), severity: 'medium' as const, type: 'drift' as const, reason: 'drift over tcp\nsecond line' };
  const udp = await openSyslogSink(`udp://127.0.0.1:${udpPort}?facility=local4`, { hostname: 'bh-test' });
  udp.write(udpEvent);
  await udp.close();
  const [first] = await receivedLines(1);
  const tcp = await openSyslogSink(`tcp://127.0.0.1:${tcpPort}`, { hostname: 'bh-test' });
  tcp.write(tcpEvent);
  await tcp.close();
  const lines = await receivedLines(2);
  const second = lines[1]!;

  assert.deepEqual(first!.slice(0, 6), ['20', '2', 'bh-test', 'bulkhead', String(process.pid), 'shell']);
  // rsyslog hands structured data back verbatim, escapes included (RFC 5424 §6.3.3)
  assert.ok(first![6]!.startsWith('[bulkhead@32473 container="we\\"b\\]\\\\1" container-id="'), first![6]);
  assert.ok(first![6]!.includes(` action="${udpEvent.action}" rule="${udpEvent.rule}"`));
  assert.ok(first!.slice(7).join('\t').endsWith('a shell ran in web ünïcode'));

  assert.deepEqual(second.slice(0, 6), ['3', '4', 'bh-test', 'bulkhead', String(process.pid), 'drift']);
  assert.ok(second[6]!.startsWith('[bulkhead@32473 container="web-1"'));
  // octet counting kept the embedded newline inside one message (rsyslog escapes it as #012)
  assert.ok(second.slice(7).join('\t').includes('drift over tcp'));
  assert.equal(lines.length, 2);
});
