/**
 * Small test images built from Debian's busybox-static binary with `docker import`: /bin/busybox plus
 * applet links, and extra copies of the binary at chosen paths (each a separate file of the image, so
 * running one is not drift but is a new executable for a behaviour profile).
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requireCommand, run } from './exec.js';

const APPLETS = ['sh', 'ls', 'cp', 'cat', 'echo', 'nc', 'sleep', 'seq', 'id', 'mkdir', 'rm', 'chmod'];

export async function buildBusyboxImage(tag: string, options: { copies?: string[]; cmd?: string[]; files?: Record<string, string> } = {}): Promise<string> {
  const busybox = requireCommand('busybox', 'busybox-static', 'the test image');
  const root = mkdtempSync(join(tmpdir(), 'bulkhead-bbimg-'));
  try {
    for (const dir of ['bin', 'tmp', 'etc']) mkdirSync(join(root, dir));
    chmodSync(join(root, 'tmp'), 0o1777);
    copyFileSync(busybox, join(root, 'bin/busybox'));
    for (const applet of APPLETS) symlinkSync('busybox', join(root, 'bin', applet));
    for (const path of options.copies ?? []) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      copyFileSync(busybox, join(root, path));
    }
    for (const [path, source] of Object.entries(options.files ?? {})) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      copyFileSync(source, join(root, path));
    }
    const tar = await run('tar', ['-C', root, '-c', '.'], { binary: true });
    const cmd = JSON.stringify(options.cmd ?? ['/bin/busybox', 'sleep', '3600']);
    await run('docker', ['import', '-c', `CMD ${cmd}`, '-', tag], { input: Buffer.from(tar.stdout, 'latin1') });
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
