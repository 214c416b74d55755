/**
 * Events as JSON lines (https://jsonlines.org): one object per line, appended to a file or written
 * to a stream such as standard output.
 *
 * Files are opened with O_APPEND and each line goes out in one write(2) call, so a concurrent reader
 * (`tail -f`, a log shipper) never sees half a line, and several writers never interleave inside a
 * line. When the file is renamed or removed under us (logrotate), the next write reopens the path.
 */
import { closeSync, fstatSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { BulkheadError } from '../../errors.js';
import { silentReporter, type Reporter } from '../../progress.js';
import type { RuntimeEvent } from '../events/types.js';
import { DeliveryTrouble } from './delivery-trouble.js';
import type { EventSink } from './types.js';

/** A stream that buffers more than this (a reader that stopped reading) loses events instead of memory. */
const MAX_STREAM_BACKLOG = 16 * 1024 * 1024;
/** How often the file path is checked for rotation. */
const ROTATION_CHECK_MS = 1000;

export interface JsonLinesOptions {
  reporter?: Reporter;
}

/** Appends events to FILE (parent folders are created) or writes them to a stream. */
export function openJsonLinesSink(target: string | Writable, options: JsonLinesOptions = {}): EventSink {
  const reporter = options.reporter ?? silentReporter;
  return typeof target === 'string' ? new JsonLinesFile(target, reporter) : new JsonLinesStream(target, reporter);
}

class JsonLinesFile implements EventSink {
  private fd: number | undefined;
  private ino = 0;
  private checkedMs = 0;
  private readonly trouble: DeliveryTrouble;

  constructor(
    private readonly path: string,
    reporter: Reporter,
  ) {
    this.trouble = new DeliveryTrouble(path, reporter);
    try {
      this.open();
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new BulkheadError('OUTPUT_FAILED', `${path}: cannot open the events file (${reason})`, { input: path, cause: e });
    }
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.fd = openSync(this.path, 'a', 0o640);
    this.ino = fstatSync(this.fd).ino;
    this.checkedMs = Date.now();
  }

  /** Reopens when the path no longer names the file we hold (rotated or deleted). */
  private reopenIfRotated(): void {
    const now = Date.now();
    if (this.fd !== undefined && now - this.checkedMs < ROTATION_CHECK_MS) return;
    this.checkedMs = now;
    let current: number | undefined;
    try {
      current = statSync(this.path).ino;
    } catch {
      current = undefined;
    }
    if (this.fd !== undefined && current === this.ino) return;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.open();
  }

  write(event: RuntimeEvent): void {
    const line = Buffer.from(JSON.stringify(event) + '\n', 'utf8');
    try {
      this.reopenIfRotated();
      const written = writeSync(this.fd!, line);
      // a regular file only takes less on a full disk or a hard limit: finish the line so the file
      // stays line-aligned, and say so
      if (written < line.length) {
        writeSync(this.fd!, line, written);
        this.trouble.note('a line needed two writes (short write)');
      }
    } catch (e) {
      this.trouble.record((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    }
  }

  async flush(): Promise<void> {
    // writeSync has handed every line to the kernel already
  }

  async close(): Promise<void> {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } finally {
      this.fd = undefined;
    }
  }
}

class JsonLinesStream implements EventSink {
  private readonly trouble: DeliveryTrouble;
  private failed = false;

  constructor(
    private readonly stream: Writable,
    reporter: Reporter,
  ) {
    this.trouble = new DeliveryTrouble('events stream', reporter);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.failed = true;
      this.trouble.record(e.code ?? e.message);
    });
  }

  write(event: RuntimeEvent): void {
    if (this.failed || this.stream.destroyed) return this.trouble.record('the stream is closed');
    if (this.stream.writableLength > MAX_STREAM_BACKLOG) return this.trouble.record('the reader is not keeping up');
    this.stream.write(JSON.stringify(event) + '\n');
  }

  flush(): Promise<void> {
    if (this.failed || this.stream.destroyed || this.stream.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('error', done);
    });
  }

  async close(): Promise<void> {
    // standard output belongs to the process: drain it, never end it
    await this.flush();
  }
}
