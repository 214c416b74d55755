/**
 * BH-RT-104: an interactive shell in a container. Someone typing commands in a production container
 * is either an operator bypassing the deployment process or an attacker with a foothold.
 *
 * A shell is interactive when it is asked to be (`-i`), or when it has no command or script to run
 * (`sh`, `bash -l`, `sh -s`: it reads commands from its input) and either has a terminal or was
 * started from outside the container (`docker exec`, whose parent is outside, so `parentPath` is '').
 * A shell that runs a command or a script (`sh -c CMD`, `sh /entrypoint.sh`, a `#!/bin/sh` script) is
 * not interactive, even on a terminal: entrypoints and scripts would otherwise alert all day. The
 * shell option grammar followed is POSIX `sh` (XCU "sh", OPTIONS) plus bash's long options.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { ExecObservation } from '../events/observation.js';
import type { Detector } from './types.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'tcsh', 'csh', 'fish', 'rbash', 'hush']);
/** Multi-call binaries whose applet is argv[0] or argv[1]. */
const MULTI_CALL = new Set(['busybox', 'toybox']);
/** Options whose value is the next argument. */
const OPTIONS_WITH_VALUE = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export interface ShellInvocation {
  shell: string;
  /** Arguments after the shell's own name. */
  args: string[];
}

/** The shell an exec runs (`bash`, or `sh` for `busybox sh`), undefined when it is not a shell. */
export function shellInvocation(o: Pick<ExecObservation, 'path' | 'comm' | 'cmdline'>): ShellInvocation | undefined {
  const exe = baseName(o.path !== '' ? o.path : (o.cmdline[0] ?? o.comm));
  const argv0 = baseName(o.cmdline[0] ?? '').replace(/^-/u, '');
  if (SHELLS.has(exe)) return { shell: exe, args: o.cmdline.slice(1) };
  if (!MULTI_CALL.has(exe)) return undefined;
  // /bin/sh -> busybox: the kernel sees busybox, argv[0] names the applet.
  if (SHELLS.has(argv0)) return { shell: argv0, args: o.cmdline.slice(1) };
  const applet = o.cmdline[1];
  if (applet !== undefined && SHELLS.has(applet)) return { shell: applet, args: o.cmdline.slice(2) };
  return undefined;
}

/** Whether the arguments ask for interactivity and whether they give a command or script to run. */
export function shellArguments(args: readonly string[]): { interactiveFlag: boolean; runsCommand: boolean } {
  let interactiveFlag = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return { interactiveFlag, runsCommand: i + 1 < args.length };
    if (OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg === '--interactive') interactiveFlag = true;
    if (arg === '--command' || arg.startsWith('--command=')) return { interactiveFlag, runsCommand: true }; // fish
    if (arg.startsWith('--')) continue; // --login, --norc, --noprofile...
    if (/^[-+][A-Za-z]+$/u.test(arg)) {
      const letters = arg.slice(1);
      if (arg.startsWith('-') && letters.includes('i')) interactiveFlag = true;
      // -c: the first operand is a command string; -s: commands come from standard input.
      if (letters.includes('c')) return { interactiveFlag, runsCommand: true };
      if (letters.includes('s')) return { interactiveFlag, runsCommand: false };
      continue;
    }
    // The first operand is a script file.
    return { interactiveFlag, runsCommand: true };
  }
  return { interactiveFlag, runsCommand: false };
}

export function shellDetector(config: RuntimeConfig['detectors']['shell']): Detector {
  return {
    name: 'shell',
    observe(o) {
      if (o.kind !== 'exec') return [];
      const invocation = shellInvocation(o);
      if (invocation === undefined) return [];
      const fromOutside = o.parentPath === '';
      const { interactiveFlag, runsCommand } = shellArguments(invocation.args);
      if (!interactiveFlag && (runsCommand || (!o.tty && !fromOutside))) return [];
      const how = fromOutside ? 'started from outside the container (docker exec or run)' : `started by ${o.parentPath}`;
      return [
        {
          type: 'shell',
          rule: 'BH-RT-104',
          // A terminal shell spawned by a program inside the container looks like a reverse shell.
          severity: fromOutside ? 'medium' : 'high',
          container: o.container,
          pid: o.pid,
          path: o.path,
          reason: `interactive shell in container: ${invocation.shell} ${how}${o.tty ? ' on a terminal' : ''}`,
          response: config.response,
          details: {
            shell: invocation.shell,
            cmdline: o.cmdline,
            tty: o.tty,
            fromOutside,
            parentPath: o.parentPath,
            uid: o.uid,
          },
        },
      ];
    },
  };
}
