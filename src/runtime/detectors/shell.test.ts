import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRuntimeConfig } from '../config/schema.js';
import { shellDetector, shellInvocation } from './shell.js';
import { obs } from './test-observations.js';

const d = shellDetector(defaultRuntimeConfig().detectors.shell);
const exec = (path: string, cmdline: string[], parentPath: string, tty: boolean) =>
  d.observe(obs('exec', { path, cmdline, parentPath, tty, comm: path.slice(path.lastIndexOf('/') + 1, 16) }));

test('interactive shells alert', () => {
  const cases: Array<[string, string, string[], string, boolean, string]> = [
    ['docker exec -it c sh', '/bin/sh', ['sh'], '', true, 'medium'],
    ['docker exec -i c bash (no terminal, no script)', '/bin/bash', ['bash'], '', false, 'medium'],
    ['docker run -it debian bash -l', '/usr/bin/bash', ['bash', '-l'], '', true, 'medium'],
    ['python pty reverse shell', '/bin/bash', ['/bin/bash', '-i'], '/usr/bin/python3.11', false, 'high'],
    ['bash on a terminal started inside', '/bin/bash', ['bash'], '/usr/sbin/nginx', true, 'high'],
    ['busybox applet via argv[0]', '/bin/busybox', ['sh'], '', true, 'medium'],
    ['busybox sh', '/bin/busybox', ['busybox', 'sh', '-i'], '/usr/bin/node', false, 'high'],
    ['sh -s reads stdin', '/bin/dash', ['sh', '-s'], '', false, 'medium'],
    ['login shell argv[0] -sh', '/bin/busybox', ['-sh'], '', true, 'medium'],
  ];
  for (const [name, path, cmdline, parentPath, tty, severity] of cases) {
    const out = exec(path, cmdline, parentPath, tty);
    assert.equal(out.length, 1, name);
    assert.equal(out[0]!.rule, 'BH-RT-104', name);
    assert.equal(out[0]!.severity, severity, name);
    assert.match(out[0]!.reason, /^interactive shell in container/u);
  }
});

test('shells running a command or a script do not alert', () => {
  const cases: Array<[string, string, string[], string, boolean]> = [
    ['entrypoint sh -c', '/bin/sh', ['/bin/sh', '-c', 'exec nginx -g "daemon off;"'], '', false],
    ['docker exec c sh -c CMD', '/bin/sh', ['sh', '-c', 'cat /etc/os-release'], '', true],
    ['combined -ec', '/bin/bash', ['bash', '-ec', 'echo hi'], '/usr/bin/make', true],
    ['shebang script on a terminal', '/bin/sh', ['/bin/sh', '/docker-entrypoint.sh', 'postgres'], '/usr/bin/tini', true],
    ['bash -o pipefail script', '/bin/bash', ['bash', '-o', 'pipefail', '/run.sh'], '', true],
    ['busybox sh -c', '/bin/busybox', ['busybox', 'sh', '-c', 'ls'], '', true],
    ['non-interactive shell from inside without terminal', '/bin/sh', ['sh'], '/usr/bin/app', false],
    ['not a shell', '/usr/bin/python3', ['python3'], '', true],
    ['busybox other applet', '/bin/busybox', ['ls', '-l'], '', true],
  ];
  for (const [name, path, cmdline, parentPath, tty] of cases) {
    assert.deepEqual(exec(path, cmdline, parentPath, tty), [], name);
  }
});

test('shellInvocation names the applet of multi-call binaries', () => {
  assert.deepEqual(shellInvocation({ path: '/bin/busybox', comm: 'sh', cmdline: ['busybox', 'ash', '-x'] }), { shell: 'ash', args: ['-x'] });
  assert.deepEqual(shellInvocation({ path: '', comm: 'zsh', cmdline: ['/usr/bin/zsh'] }), { shell: 'zsh', args: [] });
  assert.equal(shellInvocation({ path: '/usr/bin/toybox', comm: 'toybox', cmdline: ['toybox', 'cat'] }), undefined);
});
