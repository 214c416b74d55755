import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { eventProgram, parseProbeLine } from './event-program.js';
import { EXEC_LINE_TAG } from './exec-program.js';

const hostMountNamespace = statSync('/proc/self/ns/mnt').ino;

test('every behaviour probe is limited to tasks outside the agent\'s mount namespace; the exec probe is not', () => {
  const program = eventProgram({ mode: 'protect', protectDevices: [41], hostMountNamespace });
  const blocks = program.split(/\n(?=[a-z]+:)/);
  const exec = blocks.find((b) => b.startsWith('tracepoint:sched:sched_process_exec'));
  assert.ok(exec && !exec.includes('mnt_ns'), 'drift is checked for every exec');
  for (const probe of ['sock:inet_sock_set_state', 'task:task_newtask', 'sched:sched_process_exit', 'syscalls:sys_enter_openat', 'syscalls:sys_enter_setuid', 'syscalls:sys_enter_ptrace']) {
    const block = blocks.find((b) => b.startsWith(`tracepoint:${probe} `));
    assert.ok(block, probe);
    assert.match(block, new RegExp(`mnt_ns->ns\\.inum != ${hostMountNamespace}/`), probe);
  }
  // threads are not processes: CLONE_THREAD (0x10000 = 65536) is filtered in the kernel
  assert.match(program, /clone_flags & 65536\) == 0/);
});

test('parseProbeLine reads each kind of line and keeps tabs in trailing text', () => {
  assert.deepEqual(parseProbeLine('BULKHEAD_NET\tconnect\t812\t4\t127.0.0.9\t1234\tbusy\tbox'), {
    kind: 'connect', pid: 812, family: 4, address: '127.0.0.9', port: 1234, protocol: 'tcp', comm: 'busy\tbox',
  });
  assert.deepEqual(parseProbeLine('BULKHEAD_NET\tlisten\t9\t6\t::\t22\tsshd'), {
    kind: 'listen', pid: 9, family: 6, address: '::', port: 22, protocol: 'tcp', comm: 'sshd',
  });
  assert.deepEqual(parseProbeLine('BULKHEAD_FORK\t10\t11\tsh'), { kind: 'fork', pid: 10, childPid: 11, comm: 'sh' });
  assert.deepEqual(parseProbeLine('BULKHEAD_EXIT\t10'), { kind: 'exit', pid: 10 });
  assert.deepEqual(parseProbeLine('BULKHEAD_WRITE\t1\t12\tchmod\t/tmp/a\tb'), { kind: 'write', chmodExec: true, pid: 12, comm: 'chmod', file: '/tmp/a\tb' });
  assert.deepEqual(parseProbeLine('BULKHEAD_SETUID\t13\t1000\t0\tsu'), { kind: 'setuid', pid: 13, fromUid: 1000, toUid: 0, comm: 'su' });
  assert.deepEqual(parseProbeLine('BULKHEAD_PTRACE\t14\t15\t16\tgdb'), { kind: 'ptrace', pid: 14, targetPid: 15, request: 16, comm: 'gdb' });
  const exec = parseProbeLine([EXEC_LINE_TAG, '5', '20', '19', '0', '1', '0', '41', '0', '1000', 'x', '/tmp/x'].join('\t'));
  assert.equal(exec?.kind, 'exec');
  assert.equal(exec?.kind === 'exec' && exec.uid, 1000);
  for (const bad of ['Attaching 11 probes...', 'BULKHEAD_NET\tconnect\tx\t4\t1.2.3.4\t1\tc', 'BULKHEAD_NET\tbind\t1\t4\t1.2.3.4\t1\tc', 'BULKHEAD_FORK\t1', '']) {
    assert.equal(parseProbeLine(bad), undefined, bad);
  }
});
