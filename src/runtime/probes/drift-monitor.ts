/**
 * Drift prevention: runs the bpftrace exec probe, attributes every exec to a container and reports
 * drift. In protect mode the kernel program kills executables from an overlay upper layer at exec
 * (action `blocked-at-exec`); drift the kernel could not see (memfd, other storage drivers) is
 * killed from userspace right after (action `killed`). Monitor mode only alerts.
 */
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import type { Reporter } from '../../progress.js';
import { startExecProbe } from './bpftrace.js';
import { ContainerLookup, type ContainerInfo } from './container-lookup.js';
import { driftEvent, driftReason, type DriftAction, type DriftEvent, type ProcessFacts } from './drift.js';
import type { KernelExec } from './exec-program.js';

export interface DriftMonitorOptions {
  mode: 'monitor' | 'protect';
  onEvent(event: DriftEvent): void;
  reporter: Reporter;
  dockerSocket?: string;
  /**
   * Protect only these containers (ids) in the kernel; by default every overlay mount is protected,
   * which also covers containers started after the agent.
   */
  containerIds?: readonly string[];
}

export interface DriftMonitor {
  /** True when the agent mounted tracefs. */
  mountedTracefs: boolean;
  stop(): Promise<void>;
}

export async function startDriftMonitor(options: DriftMonitorOptions): Promise<DriftMonitor> {
  const lookup = new ContainerLookup(options.dockerSocket);
  await lookup.refresh();
  let protectDevices: number[] | undefined;
  if (options.mode === 'protect' && options.containerIds) {
    const wanted = new Set(options.containerIds);
    protectDevices = lookup
      .containers()
      .filter((c) => wanted.has(c.id) || wanted.has(c.name) || [...wanted].some((w) => c.id.startsWith(w)))
      .flatMap((c) => (c.rootDevice === undefined ? [] : [c.rootDevice]));
  }

  let refreshing: Promise<void> | undefined;
  const refreshOnce = (): Promise<void> => {
    refreshing ??= lookup
      .refresh()
      .catch((e: unknown) => options.reporter.warn(`container refresh failed: ${String(e)}`))
      .finally(() => (refreshing = undefined));
    return refreshing;
  };

  const handle = async (exec: KernelExec): Promise<void> => {
    let container = lookup.byRootDevice(exec.device) ?? lookup.byPid(exec.pid);
    if (!container && (exec.upperLayer || isContainerPid(exec.pid))) {
      await refreshOnce();
      container = lookup.byRootDevice(exec.device) ?? lookup.byPid(exec.pid);
    }
    if (!container) return;
    // a list of containers is the agent's whole scope: others are neither reported nor killed (a
    // build step's container running what it just installed must never be touched)
    if (options.containerIds && !inScope(container, options.containerIds)) return;
    const facts = processFacts(exec, container);
    const reason = driftReason(exec, facts);
    if (!reason) return;
    const cmdline = readCmdline(exec.pid);
    let action: DriftAction = 'alerted';
    if (exec.killedInKernel) action = 'blocked-at-exec';
    else if (options.mode === 'protect' && killNow(exec.pid)) action = 'killed';
    options.onEvent(driftEvent(exec, container, action, reason, cmdline));
  };

  const probe = await startExecProbe({
    mode: options.mode,
    ...(protectDevices ? { protectDevices } : {}),
    reporter: options.reporter,
    onExec: (exec) => {
      handle(exec).catch((e: unknown) => options.reporter.warn(`drift check of pid ${exec.pid} failed: ${String(e)}`));
    },
  });
  return { mountedTracefs: probe.mountedTracefs, stop: () => probe.stop() };
}

function inScope(container: ContainerInfo, wanted: readonly string[]): boolean {
  return wanted.some((w) => container.id === w || container.name === w || container.id.startsWith(w));
}

function processFacts(exec: KernelExec, container: ContainerInfo): ProcessFacts {
  const facts: ProcessFacts = {};
  try {
    facts.exeLink = readlinkSync(`/proc/${exec.pid}/exe`);
  } catch {
    // gone (killed at exec, or already exited)
  }
  // The kernel answered for files on the container's own overlay; ask the upper dir otherwise.
  if (!exec.upperLayer && exec.device !== container.rootDevice && container.upperDir && exec.filename.startsWith('/')) {
    facts.existsInUpperDir = existsSync(container.upperDir + exec.filename);
  }
  return facts;
}

function isContainerPid(pid: number): boolean {
  try {
    return /docker|libpod|containerd/.test(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
  } catch {
    return false;
  }
}

function readCmdline(pid: number): string[] {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (args.at(-1) === '') args.pop();
    return args;
  } catch {
    return [];
  }
}

function killNow(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
