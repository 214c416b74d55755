import type { Dockerfile, Instruction } from './parse-dockerfile.js';
import { at, type DockerfileViolation } from './instruction-rules.js';
import { DF_RULES } from './rule-catalog.js';
import { parseShell, programOf, type Pipeline, type SimpleCommand } from './shell-commands.js';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox']);
const DOWNLOADERS = new Set(['curl', 'wget']);
/** Wrappers that run the command that follows them. */
const WRAPPERS = new Set(['sudo', 'env', 'nice', 'nohup', 'time', 'command', 'exec', 'xargs']);

/** The shell script a RUN instruction runs: shell form text, `sh -c` of the exec form, heredoc bodies. */
export function runScript(instr: Instruction): string {
  if (instr.json) {
    const [prog, ...rest] = instr.json;
    if (prog && SHELLS.has(programOf([prog])) && rest[0] === '-c') return rest.slice(1).join(' ');
    return instr.json.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  }
  const text = instr.args.replace(/<<-?(["']?)[A-Za-z_][A-Za-z0-9_.-]*\1/g, '').trim();
  // `RUN <<EOF` (or `RUN bash <<EOF`) runs the heredoc as the script; other commands read it as data
  const feedsShell = text === '' || SHELLS.has(programOf(text.split(/\s+/)));
  const bodies = feedsShell ? instr.heredocs.map((h) => h.body) : [];
  return [text, ...bodies].filter(Boolean).join('\n');
}

/** Strips `sudo -u x`, `env A=b` and similar wrappers so the real program comes first. */
function unwrap(cmd: SimpleCommand): SimpleCommand {
  let c = cmd;
  while (c.length > 1 && WRAPPERS.has(programOf(c))) {
    c = c.slice(1);
    while (c.length > 1 && (c[0]!.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(c[0]!))) c = c.slice(c[0] === '-u' || c[0] === '-g' ? 2 : 1);
  }
  return c;
}

function hasCacheMount(instr: Instruction, path: RegExp): boolean {
  const mount = instr.flags.mount;
  return mount !== undefined && /type=cache/.test(mount) && path.test(mount);
}

export function checkRuns(df: Dockerfile): DockerfileViolation[] {
  const out: DockerfileViolation[] = [];
  const pipNoCacheStages = new Set(df.instructions.filter((i) => i.keyword === 'ENV' && /PIP_NO_CACHE_DIR/.test(i.args)).map((i) => i.stage));
  for (const instr of df.instructions) {
    if (instr.keyword !== 'RUN') continue;
    const pipelines = parseShell(runScript(instr));
    const commands = pipelines.flat();
    const programs = commands.map(programOf);
    if (programs.includes('sudo')) out.push(at(DF_RULES.sudo, instr, 'RUN calls sudo', /\bsudo\b/));
    if (programs.includes('cd')) out.push(at(DF_RULES.cdInRun, instr, 'RUN changes directory with cd', /\bcd\b/));
    checkPipeToShell(instr, pipelines, out);
    let aptInstall = false;
    let aptUpdate = false;
    for (const raw of commands) {
      const cmd = unwrap(raw);
      const prog = programOf(cmd);
      const args = cmd.slice(1);
      const sub = args.find((a) => !a.startsWith('-'));
      if (prog === 'apt-get' || prog === 'apt') {
        if (sub === 'update') aptUpdate = true;
        if (sub === 'upgrade' || sub === 'dist-upgrade' || sub === 'full-upgrade') out.push(at(DF_RULES.aptUpgrade, instr, `${prog} ${sub}`, sub));
        if (sub === 'install') {
          aptInstall = true;
          checkAptInstall(instr, prog, args, out);
        }
      }
      if (/^pip[0-9.]*$/.test(prog) || (/^python[0-9.]*$/.test(prog) && args[0] === '-m' && /^pip[0-9.]*$/.test(args[1] ?? ''))) {
        const pipArgs = prog.startsWith('pip') ? args : args.slice(2);
        if (pipArgs.includes('install') && !pipArgs.includes('--no-cache-dir') && !pipNoCacheStages.has(instr.stage) && !hasCacheMount(instr, /pip/)) {
          out.push(at(DF_RULES.pipCache, instr, 'pip install without --no-cache-dir', /\bpip[0-9.]*\b/));
        }
        if (pipArgs.includes('--trusted-host')) out.push(at(DF_RULES.insecureTls, instr, 'pip --trusted-host skips TLS verification', '--trusted-host'));
      }
      if (prog === 'npm' && (sub === 'install' || sub === 'i')) {
        const packages = args.slice(args.indexOf(sub) + 1).filter((a) => !a.startsWith('-'));
        if (packages.length === 0) out.push(at(DF_RULES.npmInstall, instr, `npm ${sub} without package names installs from package.json`, /\bnpm\b/));
      }
      if (prog === 'apk' && sub === 'add' && !args.includes('--no-cache') && !hasCacheMount(instr, /apk/)) {
        out.push(at(DF_RULES.apkCache, instr, 'apk add without --no-cache', /\bapk\b/));
      }
      if (insecureTls(prog, args)) out.push(at(DF_RULES.insecureTls, instr, `${prog} ${insecureTls(prog, args)}`, new RegExp(`\\b${prog}\\b`)));
    }
    if (aptInstall && !commands.some(removesAptLists) && !hasCacheMount(instr, /\/var\/lib\/apt/)) {
      out.push(at(DF_RULES.aptLists, instr, 'RUN installs with apt-get but leaves /var/lib/apt/lists in the layer', /apt(-get)?\s+(-\S+\s+)*install/));
    }
    if (aptUpdate && !aptInstall) out.push(at(DF_RULES.aptUpdateAlone, instr, 'apt-get update without an install in the same RUN', /update/));
  }
  return out;
}

function checkAptInstall(instr: Instruction, prog: string, args: string[], out: DockerfileViolation[]): void {
  const i = args.indexOf('install');
  const recommendsOff = args.includes('--no-install-recommends') || args.some((a) => /APT::Install-Recommends=(false|0)/i.test(a));
  if (!recommendsOff) out.push(at(DF_RULES.aptRecommends, instr, `${prog} install without --no-install-recommends`, /install/));
  // option values (`-o X=y`, `-t release`) are not packages
  const packages: string[] = [];
  for (let k = i + 1; k < args.length; k++) {
    const a = args[k]!;
    if (a === '-o' || a === '-t' || a === '--target-release') k++;
    else if (!a.startsWith('-')) packages.push(a);
  }
  const unpinned = packages.filter((p) => !p.includes('=') && !p.includes('/') && !p.endsWith('.deb') && !p.startsWith('$'));
  if (unpinned.length) out.push(at(DF_RULES.aptPin, instr, `unpinned: ${unpinned.join(' ')}`, unpinned[0]));
}

function removesAptLists(cmd: SimpleCommand): boolean {
  return programOf(cmd) === 'rm' && cmd.some((w) => w.startsWith('/var/lib/apt/lists'));
}

/** `curl URL | sh`: a downloader early in a pipeline and a shell (possibly under sudo) after it. */
function checkPipeToShell(instr: Instruction, pipelines: Pipeline[], out: DockerfileViolation[]): void {
  for (const p of pipelines) {
    const d = p.findIndex((c) => DOWNLOADERS.has(programOf(unwrap(c))));
    if (d < 0) continue;
    const s = p.slice(d + 1).find((c) => SHELLS.has(programOf(unwrap(c))) || /^python[0-9.]*$|^perl$/.test(programOf(unwrap(c))));
    if (s) out.push(at(DF_RULES.pipeToShell, instr, `${programOf(unwrap(p[d]!))} output piped to ${programOf(unwrap(s))}`, new RegExp(`\\|\\s*(sudo\\s+)?\\S*${programOf(unwrap(s))}\\b`)));
  }
}

/** The flag that turns certificate checks off, if any. */
function insecureTls(prog: string, args: string[]): string | undefined {
  if (prog === 'curl') return args.find((a) => a === '--insecure' || /^-[A-Za-z]*k[A-Za-z]*$/.test(a));
  if (prog === 'wget') return args.find((a) => a === '--no-check-certificate');
  if (prog === 'git') return args.find((a) => /http\.sslverify=false/i.test(a));
  if (prog === 'npm' || prog === 'yarn') return args.includes('strict-ssl') && args.includes('false') ? 'strict-ssl false' : undefined;
  return undefined;
}
