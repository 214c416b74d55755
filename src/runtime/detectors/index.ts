/**
 * The runtime detectors (BH-RT-101 to BH-RT-110): pure folds of observations and clock ticks into
 * detections. `createDetectors` builds the enabled ones from the agent's config.
 */
import type { RuntimeConfig } from '../config/schema.js';
import type { Detector } from './types.js';
import type { LoadedReputationLists } from './reputation-list.js';
import { badIpDetector } from './bad-ip.js';
import { portScanDetector } from './port-scan.js';
import { forkBombDetector } from './fork-bomb.js';
import { shellDetector } from './shell.js';
import { sshdDetector } from './sshd.js';
import { databaseEgressDetector } from './database-egress.js';
import { rootDetector } from './root.js';
import { privilegeEscalationDetector } from './privilege-escalation.js';
import { ptraceDetector } from './ptrace.js';
import { ttlDetector } from './ttl.js';
import { internalNetworks } from './internal-networks.js';

export type { Detector, Detection, Response } from './types.js';
export { IpSet, parseCidr, type IpBlock } from './ip-set.js';
export { loadReputationLists, type ReputationSet, type ReputationMatch, type LoadedReputationLists } from './reputation-list.js';
export { imageMatches, firstMatchingGlob } from './image-glob.js';
export { isInternal, internalNetworks } from './internal-networks.js';
export { durationMs } from './duration.js';
export { runsAsRoot } from './root.js';
export { shellInvocation, shellArguments } from './shell.js';

export interface DetectorInputs {
  /** Loaded reputation lists; the bad-ip detector runs only when some are given. */
  reputation?: LoadedReputationLists;
}

export function createDetectors(config: RuntimeConfig, inputs: DetectorInputs = {}): Detector[] {
  const d = config.detectors;
  const detectors: Detector[] = [];
  if (inputs.reputation !== undefined && inputs.reputation.count > 0) {
    detectors.push(badIpDetector(config.reputation, inputs.reputation.set));
  }
  if (d.portScan.enabled) detectors.push(portScanDetector(d.portScan));
  if (d.forkBomb.enabled) detectors.push(forkBombDetector(d.forkBomb));
  if (d.shell.enabled) detectors.push(shellDetector(d.shell));
  if (d.sshd.enabled) detectors.push(sshdDetector(d.sshd));
  if (d.databaseEgress.enabled) detectors.push(databaseEgressDetector(d.databaseEgress, internalNetworks(config.networks)));
  if (d.root.enabled) detectors.push(rootDetector(d.root));
  if (d.privilegeEscalation.enabled) detectors.push(privilegeEscalationDetector(d.privilegeEscalation));
  if (d.ptrace.enabled) detectors.push(ptraceDetector(d.ptrace));
  if (config.ttl.length > 0) detectors.push(ttlDetector(config.ttl));
  return detectors;
}
