/**
 * Which destinations are internal (not outbound): the config's `networks.internal`, defaulting to
 * loopback, RFC 1918, link-local, shared address space (RFC 6598) and unique-local ranges. An empty
 * list makes every destination outbound.
 */
import { DEFAULT_INTERNAL_NETWORKS, type RuntimeConfig } from '../config/schema.js';
import { IpSet } from './ip-set.js';

export function internalNetworks(config: RuntimeConfig['networks']): IpSet {
  return IpSet.of(config.internal ?? DEFAULT_INTERNAL_NETWORKS);
}

export function isInternal(address: string, internal: IpSet): boolean {
  return internal.has(address);
}
