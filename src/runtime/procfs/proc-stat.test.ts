/**
 * The stat and status parsers against the kernel's own files and procps `ps` (Debian package
 * `procps`) as the reference reader: a child runs under a name with spaces and parentheses and as
 * another uid, and both readers must agree on its pid, parent, name, real uid and start time.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseProcStat, parseStatusRealUid } from './proc-stat.js';

function requireTool(command: string, pkg: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
  assert.ok(found, `'${command}' is required as the reference reader; install the Debian package '${pkg}'`);
}

test('stat and status of a process with an awkward name and another uid agree with ps', async () => {
  requireTool('ps', 'procps');
  requireTool('getconf', 'libc-bin');
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-procstat-'));
  const program = join(dir, 'a) b (c) d');
  copyFileSync('/bin/sleep', program);
  spawnSync('chmod', ['755', dir, program]);
  const child = spawn(program, ['30'], { uid: 65534, gid: 65534, stdio: 'ignore' });
  try {
    await new Promise((r) => child.once('spawn', r));
    // The name is set at exec; wait until the child runs the copied program.
    for (let i = 0; i < 100 && !readFileSync(`/proc/${child.pid}/stat`, 'utf8').includes('a) b'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const stat = parseProcStat(readFileSync(`/proc/${child.pid}/stat`, 'utf8'));
    const uid = parseStatusRealUid(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    const ps = spawnSync('ps', ['-o', 'pid=,ppid=,ruid=,lstart=,comm=', '-p', String(child.pid)], { encoding: 'utf8' });
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}) (.*)$/.exec(ps.stdout.trimEnd());
    assert.ok(m, `unexpected ps output: ${ps.stdout}`);
    assert.ok(stat);
    assert.equal(stat.pid, Number(m[1]));
    assert.equal(stat.ppid, Number(m[2]));
    assert.equal(uid, Number(m[3]));
    assert.equal(stat.comm, m[5]);
    assert.match(stat.comm, /\) b \(/);
    // ps computes lstart as boot time (btime of /proc/stat) + start ticks / CLK_TCK, to the second.
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]);
    const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim());
    const started = btime + Math.floor(stat.startTime / hz);
    const psStarted = Date.parse(m[4]!.replace(/\s+/g, ' ')) / 1000;
    assert.ok(Math.abs(started - psStarted) <= 1, `start ${started} vs ps ${psStarted}`);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stat of this process names it and its parent as Node does', () => {
  const stat = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
  assert.equal(stat?.pid, process.pid);
  assert.equal(stat?.ppid, process.ppid);
  assert.equal(parseStatusRealUid(readFileSync('/proc/self/status', 'utf8')), process.getuid!());
});

test('text that is not a stat line is rejected', () => {
  assert.equal(parseProcStat(''), undefined);
  assert.equal(parseProcStat('12 (x) S 1'), undefined);
  assert.equal(parseStatusRealUid('Name:\tx\n'), undefined);
});
