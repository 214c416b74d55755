import { Command, Option } from 'commander';
import { BulkheadError } from '../errors.js';
import type { AnalyzeOptions } from '../catalog/index.js';
import { parsePlatform } from '../image/index.js';
import type { Reporter } from '../progress.js';

/** Flags every command that reads an image shares. */
export function addImageOptions(cmd: Command): Command {
  return cmd
    .option('--platform <os/arch[/variant]>', 'image to pick from a multi-platform index', 'linux/amd64')
    .option('--insecure', 'allow plain HTTP and unverified TLS for non-loopback registries')
    .option('--username <name>', 'registry user name (password from --password-stdin)')
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--docker-config <file>', 'Docker client config with registry credentials (default ~/.docker/config.json)')
    .option('--docker-host <url>', 'Docker Engine endpoint for docker-daemon: (default $DOCKER_HOST or unix:///var/run/docker.sock)')
    .option('--cache-dir <dir>', 'layer cache directory (default ~/.cache/bulkhead)')
    .option('--no-cache', 'do not read or write the layer cache')
    .addOption(new Option('--catalogers <names>', 'comma-separated catalogers to run (default: all)'));
}

export interface ImageFlags {
  platform: string;
  insecure?: boolean;
  username?: string;
  passwordStdin?: boolean;
  dockerConfig?: string;
  dockerHost?: string;
  cacheDir?: string;
  cache: boolean;
  catalogers?: string;
}

export async function analyzeOptionsFrom(flags: ImageFlags, reporter: Reporter): Promise<AnalyzeOptions> {
  const platform = parsePlatform(flags.platform);
  if (!platform) throw new BulkheadError('USAGE', `--platform "${flags.platform}": expected OS/ARCH[/VARIANT], e.g. linux/arm64/v8`, { input: flags.platform });
  const options: AnalyzeOptions = { platform, reporter };
  if (flags.insecure) options.insecure = true;
  if (flags.passwordStdin) {
    if (!flags.username) throw new BulkheadError('USAGE', '--password-stdin needs --username');
    options.username = flags.username;
    options.password = await readStdin();
  } else if (flags.username) {
    throw new BulkheadError('USAGE', '--username needs --password-stdin (passwords are never taken on the command line)');
  }
  if (flags.dockerConfig) options.dockerConfig = flags.dockerConfig;
  if (flags.dockerHost) options.dockerHost = flags.dockerHost;
  if (!flags.cache) options.cacheDir = false;
  else if (flags.cacheDir) options.cacheDir = flags.cacheDir;
  if (flags.catalogers) options.catalogers = flags.catalogers.split(',').map((s) => s.trim()).filter(Boolean);
  return options;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!text) throw new BulkheadError('USAGE', '--password-stdin: standard input was empty');
  return text;
}
