import type { Finding } from '../../findings/types.js';
import { SEVERITIES } from '../../findings/types.js';
import { scanImageConfig, type SecretHit, type SecretScanOptions } from '../../secrets/index.js';
import { RUNTIME_CHECKS } from './checks.js';
import { addedEnv, type ContainerFact } from './container-fact.js';
import type { EngineContainerInspect, EngineImageInspect } from './engine-types.js';
import { runtimeFinding } from './runtime-finding.js';

/**
 * Secrets the container was handed in plain sight: environment variables (readable in `docker
 * inspect`, /proc/PID/environ and every child process) and command arguments (readable by every
 * user of the host in /proc/PID/cmdline). The image scanner's rules decide what a secret is; only
 * the variables the container adds to its image's are checked (the image's own are an image
 * finding). Findings name the variable and show the redacted match, never the value.
 */
export function secretFindings(fact: ContainerFact, inspect: EngineContainerInspect, image: EngineImageInspect | undefined, options: SecretScanOptions = {}): Finding[] {
  const env = addedEnv(inspect, image);
  const argv = [inspect.Path ?? '', ...(inspect.Args ?? [])].filter((a) => a !== '');
  if (env.length === 0 && argv.length === 0) return [];
  // the image-configuration scanner checks `Env` entries as `NAME=value` (name-aware rules) and `Cmd`
  // as one command line (rules that need `--password value` across two arguments)
  const hits = scanImageConfig({ config: { Env: env, Cmd: argv } }, options);
  const byPlace = new Map<string, SecretHit[]>();
  for (const hit of hits) {
    const place = hit.location ?? '';
    byPlace.set(place, [...(byPlace.get(place) ?? []), hit]);
  }
  const out: Finding[] = [];
  for (const [place, placeHits] of byPlace) {
    // several rules may match one value (a token shape and a generic `PASSWORD=` rule): one finding, worst severity
    const ordered = [...placeHits].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
    const worst = ordered[0]!;
    const rules = [...new Set(ordered.map((h) => h.rule))].join(',');
    const envIndex = /^config\.Env\[(\d+)\]$/u.exec(place);
    if (envIndex) {
      const entry = env[Number(envIndex[1])] ?? '';
      const name = entry.split('=', 1)[0] ?? '';
      out.push(
        runtimeFinding(fact, RUNTIME_CHECKS.secretEnv, `${worst.description} in environment variable ${name}`, { variable: name, rule: rules, match: worst.redacted }, worst.severity),
      );
    } else if (place === 'config.Cmd') {
      const index = argumentAt(argv, worst.column);
      out.push(
        runtimeFinding(fact, RUNTIME_CHECKS.secretArgs, `${worst.description} in command argument ${index}`, { argument: String(index), rule: rules, match: worst.redacted }, worst.severity),
      );
    }
  }
  return out;
}

/** Which argument (0 = the program) a 1-based character column of `argv.join(' ')` falls in. */
function argumentAt(argv: readonly string[], column: number): number {
  let end = 0;
  for (let i = 0; i < argv.length; i++) {
    end += argv[i]!.length + 1;
    if (column <= end) return i;
  }
  return argv.length - 1;
}
