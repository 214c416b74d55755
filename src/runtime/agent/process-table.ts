/**
 * Which container each live process belongs to, and what it runs: filled from exec and fork events
 * (a child inherits its parent's container and executable until it execs) and emptied on exit, so a
 * fork bomb's thousands of processes cost a map lookup each instead of a /proc read.
 */
export interface ProcessEntry {
  /** '' for a process outside every container (cached so it is not looked up again). */
  containerId: string;
  /**
   * The container id from the process's cgroup when the engine did not list that container yet
   * (its first processes start before it shows as running): looked up again on the next event.
   */
  pendingContainerId?: string;
  /** Executable path inside the container ('' when unknown). */
  path: string;
  comm: string;
}

export class ProcessTable {
  private readonly entries = new Map<number, ProcessEntry>();

  constructor(private readonly capacity = 200_000) {}

  get(pid: number): ProcessEntry | undefined {
    return this.entries.get(pid);
  }

  set(pid: number, entry: ProcessEntry): void {
    this.entries.delete(pid);
    this.entries.set(pid, entry);
    if (this.entries.size > this.capacity) {
      // Map iterates in insertion order: the first key is the least recently set.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  delete(pid: number): void {
    this.entries.delete(pid);
  }

  /** Drops every process of a container that is gone. */
  forgetContainer(containerId: string): void {
    for (const [pid, entry] of this.entries) if (entry.containerId === containerId) this.entries.delete(pid);
  }

  get size(): number {
    return this.entries.size;
  }
}
