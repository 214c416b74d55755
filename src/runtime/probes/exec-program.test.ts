import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { EXEC_LINE_TAG, execProgram, kernelDevFromStat, parseExecLine } from './exec-program.js';

test('kernelDevFromStat matches the major:minor the kernel lists in /proc/self/mountinfo', () => {
  // mountinfo field 3 is the kernel's major:minor of each mount (proc(5)); the kernel's s_dev is
  // MKDEV(major, minor) = major << 20 | minor (include/linux/kdev_t.h).
  let checked = 0;
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    const [major, minor] = fields[2]!.split(':').map(Number);
    let dev: number;
    try {
      dev = statSync(fields[4]!).dev;
    } catch {
      continue;
    }
    // Only mounts not hidden by a later mount on the same point are stat-able as themselves.
    const later = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === fields[4]);
    if (later.at(-1) !== line) continue;
    assert.equal(kernelDevFromStat(dev), major! * 2 ** 20 + minor!, fields[4]);
    checked++;
  }
  assert.ok(checked > 0);
});

test('the protect program kills only on the chosen overlay devices; monitor never kills', () => {
  assert.doesNotMatch(execProgram({ mode: 'monitor' }), /signal\(/);
  const protect = execProgram({ mode: 'protect', protectDevices: [39, 41] });
  assert.match(protect, /\(\$dev == 39 \|\| \$dev == 41\)\) \{ signal\("KILL"\)/);
  assert.match(execProgram({ mode: 'protect', protectDevices: [] }), /\(0\)\) \{ signal/);
});

test('parseExecLine keeps tabs inside the file name and rejects other lines', () => {
  const line = [EXEC_LINE_TAG, '17783407591228', '32464', '32457', '1', '1', '0', '39', '367', '0', 'busybox', '/tmp/a\tb'].join('\t');
  const exec = parseExecLine(line);
  assert.equal(exec?.filename, '/tmp/a\tb');
  assert.equal(exec?.killedInKernel, true);
  assert.equal(exec?.upperLayer, true);
  assert.equal(exec?.lowerLayers, 0);
  assert.equal(exec?.device, 39);
  assert.equal(parseExecLine('Attaching 1 probe...'), undefined);
});
