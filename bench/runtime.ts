/**
 * `npm run bench`, fourth part: the runtime agent (root, bpftrace, Docker). Prints; never asserts.
 * - Latency from exec to the event reaching the agent (kernel CLOCK_MONOTONIC stamp at the exec
 *   tracepoint against the agent's clock on receipt), in monitor and in protect mode; in protect mode
 *   the kill is sent from the exec tracepoint itself, so exec → kill is the tracepoint's own time.
 * - The agent's CPU and memory (Node and its bpftrace child) with 50 idle containers, over 30 s.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectingReporter } from '../src/progress.js';
import { startDriftMonitor, startExecProbe, type KernelExec } from '../src/runtime/index.js';
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

function bpftraceUsage(): { cpuS: number; rssMiB: number } {
  let cpu = 0;
  let rss = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'bpftrace') continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu += (Number(stat[11]) + Number(stat[12])) / 100;
      rss += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      // exited
    }
  }
  return { cpuS: cpu, rssMiB: rss };
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

    for (let i = 0; i < IDLE; i++) {
      const name = `bulkhead-bench-idle-${process.pid}-${i}`;
      await run('docker', ['run', '-d', '--network', 'none', '--name', name, IMAGE]);
      names.push(name);
    }
    const cpu0 = process.cpuUsage();
    const rss0 = process.memoryUsage().rss;
    const monitor = await startDriftMonitor({ mode: 'monitor', reporter: collectingReporter(), onEvent: () => {}, containerIds: names });
    const b0 = bpftraceUsage();
    await new Promise((r) => setTimeout(r, 30_000));
    const cpu = process.cpuUsage(cpu0);
    const b1 = bpftraceUsage();
    const rss = process.memoryUsage().rss;
    await monitor.stop();

    const q = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : NaN);
    const lines = [
      'Runtime agent (bpftrace on sched_process_exec)',
      '',
      '| measure | value |',
      '| --- | ---: |',
      `| exec → event, monitor (median / p95 of ${monitorLat.length}) | ${fmt(q(monitorLat, 0.5))} / ${fmt(q(monitorLat, 0.95))} ms |`,
      `| exec → event, protect, killed at exec (median / p95 of ${protectLat.length}) | ${fmt(q(protectLat, 0.5))} / ${fmt(q(protectLat, 0.95))} ms |`,
      '| exec → kill, protect | inside the exec tracepoint (no instruction of the program runs) |',
      `| agent CPU over 30 s with ${IDLE} idle containers (Node + bpftrace) | ${fmt((cpu.user + cpu.system) / 1e6 + (b1.cpuS - b0.cpuS))} s (${fmt((((cpu.user + cpu.system) / 1e6 + (b1.cpuS - b0.cpuS)) / 30) * 100, 1)} % of one core) |`,
      `| agent memory (Node RSS + bpftrace RSS) | ${fmt(rss / 1048576, 0)} MiB (Node grew ${fmt((rss - rss0) / 1048576, 1)} MiB) + ${fmt(b1.rssMiB, 0)} MiB |`,
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
