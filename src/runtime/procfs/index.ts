/** The runtime agent's /proc polling probe, for hosts where eBPF is unavailable. */
export { startProcfsProbe, inContainerCgroup, type ProcfsProbeOptions } from './procfs-probe.js';
export { parseProcStat, parseStatusRealUid, type ProcStat } from './proc-stat.js';
export {
  parseNetTable,
  parseNetLine,
  decodeHexAddress,
  decodeHexEndpoint,
  TCP_ESTABLISHED,
  TCP_SYN_SENT,
  TCP_CLOSE,
  TCP_LISTEN,
  type NetSocketEntry,
} from './net-table.js';
export { socketInodeFromLink } from './socket-link.js';
