/**
 * BH-RT-106: a database container connecting out of the internal networks. Databases answer
 * connections; one that opens its own to the internet is exfiltrating data or running a payload
 * (a classic after a Redis or PostgreSQL compromise). Once per (container, destination).
 *
 * Port 53 is left out: name resolution goes to whatever resolver the host's resolv.conf names, which
 * may well be a public one, and is not the database's data leaving.
 */
import { DEFAULT_DATABASE_IMAGES, type RuntimeConfig } from '../config/schema.js';
import type { ContainerContext } from '../events/observation.js';
import type { Detector } from './types.js';
import { firstMatchingGlob } from './image-glob.js';
import type { IpSet } from './ip-set.js';
import { isInternal } from './internal-networks.js';

const DNS_PORT = 53;
const MAX_DESTINATIONS_PER_CONTAINER = 1024;

export function databaseEgressDetector(config: RuntimeConfig['detectors']['databaseEgress'], internal: IpSet): Detector {
  const globs = config.images ?? DEFAULT_DATABASE_IMAGES;
  const imageGlob = new Map<string, string | undefined>();
  const reported = new Map<string, Set<string>>();
  const matchingGlob = (c: ContainerContext): string | undefined => {
    if (!imageGlob.has(c.ref.id)) imageGlob.set(c.ref.id, firstMatchingGlob(globs, c.imageName) ?? firstMatchingGlob(globs, c.ref.image));
    return imageGlob.get(c.ref.id);
  };
  return {
    name: 'database-egress',
    observe(o) {
      if (o.kind !== 'connect' || o.port === DNS_PORT) return [];
      const glob = matchingGlob(o.container);
      if (glob === undefined || isInternal(o.address, internal)) return [];
      let destinations = reported.get(o.container.ref.id);
      if (destinations === undefined) reported.set(o.container.ref.id, (destinations = new Set()));
      if (destinations.has(o.address)) return [];
      if (destinations.size >= MAX_DESTINATIONS_PER_CONTAINER) destinations.delete(destinations.values().next().value!);
      destinations.add(o.address);
      return [
        {
          type: 'database-egress',
          rule: 'BH-RT-106',
          severity: 'high',
          container: o.container,
          pid: o.pid,
          path: o.path,
          reason: `database container (${o.container.imageName}) connected out to ${o.address} port ${o.port}`,
          response: config.response,
          details: { destination: o.address, port: o.port, protocol: o.protocol, image: o.container.imageName, imageGlob: glob },
        },
      ];
    },
    forget(containerId) {
      imageGlob.delete(containerId);
      reported.delete(containerId);
    },
  };
}
