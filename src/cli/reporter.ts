import type cliProgressType from 'cli-progress';
import type { pino as pinoType } from 'pino';
import { lazyModule } from '../lazy-module.js';

const cliProgress = lazyModule<typeof cliProgressType>('cli-progress');
const loadPino = lazyModule<{ pino: typeof pinoType }>('pino');
import type { ProgressTask, Reporter } from '../progress.js';

export type LogFormat = 'plain' | 'json';

export interface CliReporterOptions {
  quiet?: boolean;
  debug?: boolean;
  logFormat?: LogFormat;
  /** Draw progress bars (default: when stderr is a terminal and logs are plain). */
  progress?: boolean;
}

/**
 * The CLI's reporter: progress bars on a terminal, otherwise plain one-line logs or JSON logs (pino)
 * on stderr. Stdout is kept for results.
 */
export function cliReporter(options: CliReporterOptions): Reporter & { stop(): void } {
  const format = options.logFormat ?? 'plain';
  const logger = format === 'json' ? loadPino().pino({ level: options.debug ? 'debug' : 'info', base: { app: 'bulkhead' } }, loadPino().pino.destination(2)) : undefined;
  const bars = (options.progress ?? (process.stderr.isTTY && format === 'plain')) && !options.quiet;
  const multi = bars
    ? new (cliProgress().MultiBar)(
        { stream: process.stderr, clearOnComplete: true, hideCursor: true, format: ' {bar} {task} {value}/{total}', barsize: 24, etaBuffer: 20 },
        cliProgress().Presets.shades_classic,
      )
    : undefined;
  const pendingWarnings: string[] = [];
  const print = (line: string) => {
    if (multi) pendingWarnings.push(line);
    else process.stderr.write(line + '\n');
  };
  return {
    task(name: string, total?: number): ProgressTask {
      if (logger) logger.debug({ task: name, total }, 'start');
      else if (options.debug) print(`debug: ${name}`);
      if (!multi) return { advance() {}, setTotal() {}, done() {} };
      const bar = multi.create(total ?? 1, 0, { task: name });
      return {
        advance: (d) => bar.increment(d),
        setTotal: (t) => bar.setTotal(t),
        done: () => {
          bar.update(bar.getTotal());
          bar.stop();
          multi.remove(bar);
        },
      };
    },
    warn(message, fields) {
      if (options.quiet) return;
      if (logger) logger.warn(fields ?? {}, message);
      else print(`warning: ${message}`);
    },
    debug(message, fields) {
      if (!options.debug) return;
      if (logger) logger.debug(fields ?? {}, message);
      else print(`debug: ${message}${fields ? ' ' + JSON.stringify(fields) : ''}`);
    },
    stop() {
      multi?.stop();
      for (const w of pendingWarnings) process.stderr.write(w + '\n');
      pendingWarnings.length = 0;
      logger?.flush();
    },
  };
}
