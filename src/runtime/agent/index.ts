/** The runtime agent's core: probes → attribution → drift, profiles, detectors → responses, events. */
export { startAgent, type Agent, type AgentOptions, type AgentMode, type ContainerResponder } from './agent.js';
export { ProfileKeeper } from './profile-keeper.js';
export { cgroupProcesses, setFrozen } from './cgroup.js';
