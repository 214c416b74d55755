/**
 * What containers of one image actually used at runtime, merged across every container of that image
 * the agent watched. `bulkhead surface` joins this with the image's bill of materials and file
 * ownership to tell which packages and tools were never used.
 *
 * Paths are as the container saw them (its own mount namespace), absolute, not yet resolved through
 * the image's symlinks: `/bin/sh`, `/lib/x86_64-linux-gnu/libc.so.6`. Paths outside the image (volumes,
 * /proc, /sys, /dev) may appear; surface ignores what the image does not hold.
 */
export interface UsageRecord {
  /** Format version of this document. */
  schema: 1;
  /** The image as the containers named it, e.g. `nginx:1.25` or an id. */
  image: string;
  /** The image's id (`sha256:...`, the config digest), the key usage is stored under. */
  imageId: string;
  /** Repo digests the engine knows for it, when any. */
  repoDigests?: string[];
  /** ISO times of the first and last observation. */
  firstSeen: string;
  lastSeen: string;
  /**
   * Seconds during which at least one container of the image was running while the agent watched
   * (the union of intervals, not their sum).
   */
  observedSeconds: number;
  /** Containers observed (id, name, when each was first and last seen). */
  containers: Array<{ id: string; name: string; firstSeen: string; lastSeen: string }>;
  /** Executables run (exec filename as passed, and the resolved binary when known) → times run. */
  executables: Record<string, number>;
  /** Shared objects mapped into processes (from /proc/PID/maps sampling and opens of *.so files). */
  libraries: Record<string, number>;
  /** Files opened for reading (not written), regular files in the image; counts are opens seen. */
  filesRead: Record<string, number>;
  /** Capabilities exercised (checked and granted), by name: `CAP_NET_BIND_SERVICE` → times. */
  capabilities: Record<string, number>;
  /** System calls made, by name (x86_64 names), → count; absent when syscall recording was off. */
  syscalls?: Record<string, number>;
  /** How the data was gathered: which probes ran (`bpftrace`, `procfs`), and what was off. */
  sources: { probe: 'bpftrace' | 'procfs'; syscalls: boolean; capabilities: boolean; fileReads: boolean };
}
