/**
 * Reading /proc/PID/maps (proc(5)): the files a process has mapped. The path column is the file as
 * the process's own mount namespace names it (d_path from its root), so a container's libraries read
 * `/lib/x86_64-linux-gnu/libc.so.6` from the host too.
 */
import { readFileSync } from 'node:fs';

export interface MappedFiles {
  /** Shared objects: `*.so*` files and other executable mappings that are not the program itself. */
  libraries: string[];
  /** Other mapped regular files (locale archives, caches): read through memory rather than read(2). */
  data: string[];
}

/** Kernel interfaces and devices, never image content. */
export const NOT_IMAGE_FILES = /^\/(proc|sys|dev)(\/|$)/;

/** The mapped files of one maps text; `exe` (the program itself) is left out. Pure. */
export function parseMaps(text: string, exe = ''): MappedFiles {
  const libraries = new Set<string>();
  const data = new Set<string>();
  for (const line of text.split('\n')) {
    // address perms offset dev inode pathname; the path may hold spaces
    const m = /^[0-9a-f]+-[0-9a-f]+\s+([rwxsp-]{4})\s+[0-9a-f]+\s+[0-9a-f]+:[0-9a-f]+\s+(\d+)\s+(\/.*)$/.exec(line);
    if (!m || m[2] === '0') continue;
    const path = m[3]!;
    if (path.endsWith(' (deleted)') || path === exe || NOT_IMAGE_FILES.test(path)) continue;
    if (/\.so(\.[\d.]+)?$/.test(path) || /\.so\./.test(path) || m[1]!.includes('x')) libraries.add(path);
    else data.add(path);
  }
  for (const l of libraries) data.delete(l);
  return { libraries: [...libraries], data: [...data] };
}

/** The mapped files of a live process; undefined when it is gone. */
export function readMappedFiles(pid: number, exe: string): MappedFiles | undefined {
  try {
    return parseMaps(readFileSync(`/proc/${pid}/maps`, 'utf8'), exe);
  } catch {
    return undefined;
  }
}
