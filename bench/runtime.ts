/**
 * `npm run bench`, fourth part: the runtime agent (root, bpftrace, Docker). Prints; never asserts.
 * - Latency from exec to the event reaching the agent (kernel CLOCK_MONOTONIC stamp at the exec
 *   tracepoint against the agent's clock on receipt), in monitor and in protect mode; in protect mode
 *   the kill is sent from the exec tracepoint itself, so exec → kill is the tracepoint's own time.
 * - exec → kill from user space, for drift the kernel program does not cover (a container started
 *   after the agent), with the bpftrace probe and with the /proc polling fallback.
 * - The CLI agent's CPU and memory (Node and its bpftrace child) in protect mode over 50 idle
 *   containers, over 30 s.
 * - Under load: a container running a process-creating loop (fork + exec of busybox) as fast as it
 *   can for 20 s, the agent in monitor mode watching it: execs per second produced and the agent's
 *   CPU at that rate (the capacity note's events per node).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectingReporter } from '../src/progress.js';
import { startExecProbe, type KernelExec } from '../src/runtime/index.js';
import { kernelDevFromStat } from '../src/runtime/probes/exec-program.js';
import { ensureDocker } from '../test/harness/docker.js';
import { requireCommand, run, runAllowFailure } from '../test/harness/exec.js';

const IMAGE = 'bulkhead-bench/busybox:1';
const IDLE = Number(process.env.BENCH_IDLE_CONTAINERS ?? 50);
const fmt = (n: number, d = 2): string => n.toFixed(d);

async function buildImage(work: string): Promise<void> {
  const busybox = requireCommand('busybox', 'busybox-static', 'the bench image');
  const root = join(work, 'root');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'tmp'), { recursive: true });
  copyFileSync(busybox, join(root, 'bin', 'busybox'));
  symlinkSync('busybox', join(root, 'bin', 'sh'));
  await run('bash', ['-o', 'pipefail', '-c', 'tar -C "$1" -c . | docker import -c \'CMD ["/bin/busybox","sleep","3600"]\' - "$2"', 'import', root, IMAGE]);
}

/** exec → event latencies (ms) for `count` execs of a copied binary in `container`. */
async function latencies(mode: 'monitor' | 'protect', container: string, count: number): Promise<number[]> {
  const seen: number[] = [];
  // protect only the bench container's overlay: never the host's own files
  const pid = (await run('docker', ['inspect', '--format', '{{.State.Pid}}', container])).stdout.trim();
  const device = kernelDevFromStat(statSync(`/proc/${pid}/root/`).dev);
  const probe = await startExecProbe({
    mode,
    protectDevices: [device],
    reporter: collectingReporter(),
    onExec: (e: KernelExec) => {
      if (e.filename === '/tmp/busybox') seen.push(Number(process.hrtime.bigint() - e.monotonicNs) / 1e6);
    },
  });
  try {
    await run('docker', ['exec', container, '/bin/busybox', 'cp', '/bin/busybox', '/tmp/busybox']);
    for (let i = 0; i < count; i++) await runAllowFailure('docker', ['exec', container, '/tmp/busybox', 'true']);
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    await probe.stop();
  }
  return seen.sort((a, b) => a - b);
}

/** CPU seconds and memory of a process and its bpftrace children (the agent as a user runs it). */
function usage(agentPid: number): { cpuS: number; rssMiB: number; anonMiB: number; parts: string[] } {
  let cpu = 0;
  let rss = 0;
  let anon = 0;
  const parts: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const statText = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const stat = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
      const isAgent = Number(pid) === agentPid;
      const isProbe = Number(stat[1]) === agentPid && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'bpftrace';
      if (!isAgent && !isProbe) continue;
      cpu += (Number(stat[11]) + Number(stat[12])) / 100;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const r = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      const a = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      rss += r;
      anon += a;
      parts.push(`${isAgent ? 'node' : 'bpftrace'} ${fmt(r, 0)}`);
    } catch {
      // exited
    }
  }
  return { cpuS: cpu, rssMiB: rss, anonMiB: anon, parts };
}

/** The built CLI agent, started the way a user starts it; resolves when it says it runs. */
async function startCliAgent(args: string[], work: string): Promise<{ pid: number; events: () => Array<{ type: string; action: string; process: { path: string }; details?: Record<string, unknown> }>; stop: () => Promise<void> }> {
  const eventsFile = join(work, `events-${Date.now()}.jsonl`);
  const child = spawn(process.execPath, ['dist/cli/main.js', 'agent', ...args, '--state-dir', work, '--events', eventsFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (s: string) => {
      stderr += s;
      if (/agent running in/.test(stderr)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`agent exited ${code}: ${stderr}`)));
  });
  child.removeAllListeners('exit');
  return {
    pid: child.pid!,
    events: () => {
      try {
        return readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      } catch {
        return [];
      }
    },
    stop: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
}

/** exec → kill from user space (ms): drift in a container the kernel check does not cover. */
async function userSpaceKills(probe: 'bpftrace' | 'procfs', work: string, count: number): Promise<number[]> {
  const name = `bulkhead-bench-late-${process.pid}-${probe}`;
  const agent = await startCliAgent(['--mode', 'protect', '--probe', probe, '--containers', name], work);
  try {
    // started after the agent: its overlay is not in the kernel program, so drift is killed from user space
    await run('docker', ['run', '-d', '--network', 'none', '--name', name, IMAGE]);
    // busybox picks its applet from argv[0]: the copy keeps the name busybox
    await run('docker', ['exec', name, '/bin/busybox', 'sh', '-c', 'mkdir -p /tmp/late && cp /bin/busybox /tmp/late/busybox']);
    for (let i = 0; i < count; i++) await runAllowFailure('docker', ['exec', name, '/tmp/late/busybox', 'sleep', '2']);
    await new Promise((r) => setTimeout(r, 500));
    return agent
      .events()
      .filter((e) => e.type === 'drift' && e.action === 'killed' && typeof e.details?.['execToKillMs'] === 'number')
      .map((e) => e.details!['execToKillMs'] as number)
      .sort((a, b) => a - b);
  } finally {
    await agent.stop();
    await runAllowFailure('docker', ['rm', '-f', name]);
  }
}

async function main(): Promise<void> {
  await ensureDocker();
  const work = mkdtempSync(join(tmpdir(), 'bulkhead-bench-runtime-'));
  const names: string[] = [];
  try {
    await buildImage(work);
    const target = `bulkhead-bench-target-${process.pid}`;
    await run('docker', ['run', '-d', '--network', 'none', '--name', target, IMAGE]);
    names.push(target);
    const monitorLat = await latencies('monitor', target, 20);
    const protectLat = await latencies('protect', target, 20);
    const userKills = await userSpaceKills('bpftrace', work, 10);
    const procfsKills = await userSpaceKills('procfs', work, 10);

    for (let i = 0; i < IDLE; i++) {
      const name = `bulkhead-bench-idle-${process.pid}-${i}`;
      await run('docker', ['run', '-d', '--network', 'none', '--name', name, IMAGE]);
      names.push(name);
    }
    // the whole agent (detectors, profiles learning, store, JSON lines) in protect mode over every container
    const agent = await startCliAgent(['--mode', 'protect', '--containers', names.join(',')], work);
    await new Promise((r) => setTimeout(r, 5_000));
    const u0 = usage(agent.pid);
    await new Promise((r) => setTimeout(r, 30_000));
    const u1 = usage(agent.pid);
    await agent.stop();
    const cpuS = u1.cpuS - u0.cpuS;

    // a busy node: execs as fast as one container can make them, watched in monitor mode
    const busy = `bulkhead-bench-busy-${process.pid}`;
    await run('docker', ['run', '-d', '--network', 'none', '--name', busy, IMAGE]);
    names.push(busy);
    const watcher = await startCliAgent(['--mode', 'monitor', '--containers', busy], work);
    await new Promise((r) => setTimeout(r, 3_000));
    const b0 = usage(watcher.pid);
    const t0 = performance.now();
    const loop = await run('docker', ['exec', busy, '/bin/busybox', 'sh', '-c', 'n=0; end=$(( $(/bin/busybox date +%s) + 20 )); while [ $(/bin/busybox date +%s) -lt $end ]; do /bin/busybox true; n=$((n+2)); done; echo $n']);
    const busySeconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1_000));
    const b1 = usage(watcher.pid);
    await watcher.stop();
    const execsPerSecond = Number(loop.stdout.trim()) / busySeconds;
    const busyCpu = (b1.cpuS - b0.cpuS) / (busySeconds + 1);

    const q = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : NaN);
    const lines = [
      'Runtime agent (bpftrace: exec, connect/listen, process creation, writes, setuid, ptrace)',
      '',
      '| measure | value |',
      '| --- | ---: |',
      `| exec → event, monitor (median / p95 of ${monitorLat.length}) | ${fmt(q(monitorLat, 0.5))} / ${fmt(q(monitorLat, 0.95))} ms |`,
      `| exec → event, protect, killed at exec (median / p95 of ${protectLat.length}) | ${fmt(q(protectLat, 0.5))} / ${fmt(q(protectLat, 0.95))} ms |`,
      '| exec → kill, protect, in the kernel | inside the exec tracepoint (no instruction of the program runs) |',
      `| exec → kill from user space, bpftrace event (median / max of ${userKills.length}) | ${fmt(q(userKills, 0.5))} / ${fmt(userKills.at(-1) ?? NaN)} ms |`,
      `| poll → kill, /proc fallback (median / max of ${procfsKills.length}; plus up to the 100 ms poll interval) | ${fmt(q(procfsKills, 0.5))} / ${fmt(procfsKills.at(-1) ?? NaN)} ms |`,
      `| agent CPU over 30 s with ${IDLE} idle containers (Node + bpftrace) | ${fmt(cpuS)} s (${fmt((cpuS / 30) * 100, 1)} % of one core) |`,
      `| agent memory, RSS (${u1.parts.join(' + ')}) | ${fmt(u1.rssMiB, 0)} MiB, of which ${fmt(u1.anonMiB, 0)} MiB anonymous |`,
      `| busy container: execs per second it made (fork + exec loop, 20 s) | ${fmt(execsPerSecond, 0)} |`,
      `| agent CPU while watching it, monitor mode (Node + bpftrace) | ${fmt(busyCpu * 100, 1)} % of one core |`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    for (const name of names) await runAllowFailure('docker', ['rm', '-f', name]);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
