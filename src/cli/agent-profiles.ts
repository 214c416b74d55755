import { Argument, Command } from 'commander';
import { BulkheadError } from '../errors.js';
import type { BehaviourProfile } from '../runtime/profiles/index.js';
import type { CliContext } from './context.js';

/** Where the agent keeps profiles unless told otherwise. */
export const DEFAULT_PROFILES_DIR = '/var/lib/bulkhead/profiles';
const MODES = ['learn', 'monitor', 'protect'] as const;

function defaultDir(): string {
  return process.env['BULKHEAD_PROFILES_DIR'] || DEFAULT_PROFILES_DIR;
}

async function openStore(dir: string | undefined) {
  const { ProfileStore } = await import('../runtime/profiles/index.js');
  return new ProfileStore(dir ?? defaultDir());
}

function write(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

/** `bulkhead agent profiles`: read and steer the per-image behaviour profiles the agent learns. */
export function profilesCommand(ctx: CliContext): Command {
  const dirHelp = `profiles folder (default $BULKHEAD_PROFILES_DIR or ${DEFAULT_PROFILES_DIR})`;
  const profiles = new Command('profiles')
    .summary('list, show and switch the mode of per-image behaviour profiles')
    .description(
      'A behaviour profile records what the containers of one image normally do: executables, parent\n' +
        'and child processes, listening ports, outbound destinations and written paths. The agent learns\n' +
        'it (learn mode), then reports (monitor) or stops (protect) what falls outside it. Profiles are\n' +
        'YAML files, one per image, and may be edited by hand; every save keeps the old version in\n' +
        'history/.',
    );
  profiles.addCommand(
    new Command('list')
      .description('one line per profile: image, mode, version, entry counts, last update')
      .option('--dir <dir>', dirHelp)
      .action(async (flags: { dir?: string }) => {
        const store = await openStore(flags.dir);
        const all = await store.list();
        if (all.length === 0) {
          ctx.reporter().warn(`no behaviour profiles in ${store.dir}`);
          return;
        }
        await write(profileTable(all));
      })
      .exitOverride(),
  );
  profiles.addCommand(
    new Command('show')
      .description('print the profile of IMAGE as stored (YAML, with its comments)')
      .argument('<image>', 'image name as the profile names it (redis, registry.example.com/team/app)')
      .option('--dir <dir>', dirHelp)
      .action(async (image: string, flags: { dir?: string }) => {
        const store = await openStore(flags.dir);
        const stored = await store.read(image);
        if (!stored) throw notFound(image, store.dir);
        await write(stored.text.endsWith('\n') ? stored.text : stored.text + '\n');
      })
      .exitOverride(),
  );
  profiles.addCommand(
    new Command('set-mode')
      .description('switch the profile of IMAGE to MODE (ends timed learning) and save it as a new version')
      .argument('<image>', 'image name as the profile names it')
      .addArgument(new Argument('<mode>', 'learn, monitor or protect').choices([...MODES]))
      .option('--dir <dir>', dirHelp)
      .action(async (image: string, mode: (typeof MODES)[number], flags: { dir?: string }) => {
        const store = await openStore(flags.dir);
        if (!(await store.read(image))) throw notFound(image, store.dir);
        const saved = await store.setMode(image, mode);
        ctx.reporter().warn(`profile of image ${saved.image} is now in ${saved.mode} mode (version ${saved.version})`);
      })
      .exitOverride(),
  );
  return profiles;
}

function notFound(image: string, dir: string): BulkheadError {
  return new BulkheadError('INPUT_NOT_FOUND', `no behaviour profile for image "${image}" in ${dir}`, { input: image });
}

/** Plain aligned columns; image names are the only free text and are printed without control characters. */
function profileTable(all: readonly BehaviourProfile[]): string {
  const header = ['IMAGE', 'MODE', 'VERSION', 'EXECUTABLES', 'PROCESSES', 'LISTENING', 'OUTBOUND', 'WRITES', 'UPDATED'];
  const rows = all.map((p) => [
    p.image.replace(/[\u0000-\u001f\u007f-\u009f]/gu, '?'),
    p.mode + (p.mode === 'learn' && p.learnUntil ? ` (until ${p.learnUntil})` : ''),
    String(p.version),
    String(p.executables.length),
    String(p.processes.length),
    String(p.listening.length),
    String(p.outbound.length),
    String(p.writes.length),
    p.updated,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
