/**
 * What runtime agents report to the server: hosts, their containers (joined with image scan and
 * signature status), runtime events stored once per (host, sequence number), and profile modes
 * operators choose for the agents to apply.
 */
export * from './agent-bodies.js';
export { upsertHost, listHosts, type HostView } from './hosts.js';
export { ingestEvents, type IngestResult } from './ingest-events.js';
export { replaceContainers, listContainersWithImages, bareDigest, type ContainerView, type ContainerFilter } from './containers.js';
export { queryEvents, MAX_EVENT_PAGE, type EventFilter, type EventPage, type EventView } from './events-query.js';
export { setProfileMode, listProfileModes, pendingProfileModes, acknowledgeProfileModes, type ProfileModeView, type ProfileModeValue } from './profile-modes.js';
