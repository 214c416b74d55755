import type { RuntimeCheck } from '../inventory/checks.js';

/**
 * Ids of the findings about a running container's changes and privileges (the inventory's
 * checks are BH-RT-001..013). Stable: suppressions and policies refer to them.
 */
export const RESPOND_CHECKS = {
  /** A file that can be executed was added or changed in the container's writable layer (drift from the image). */
  executableChanged: {
    id: 'BH-RT-020',
    severity: 'high',
    remediation: 'find out what wrote the file; rebuild the image with what the container needs and replace the container; run it with a read-only root file system',
  },
  /** Accounts, privileges, scheduled jobs, loader settings or system binaries changed inside the container. */
  sensitiveChanged: {
    id: 'BH-RT-021',
    severity: 'high',
    remediation: 'treat the container as compromised until the change is explained: inspect it, then replace it from its image; run it with a read-only root file system',
  },
  /** The container runs with more privilege than the policy allows. */
  privilegeDrift: {
    id: 'BH-RT-030',
    severity: 'high',
    remediation: 'recreate the container without the setting the policy forbids, or add a policy exception with an owner and an expiry',
  },
} as const satisfies Record<string, RuntimeCheck>;
