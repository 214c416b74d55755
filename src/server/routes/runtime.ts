/** Routes: runtime agents: hosts, containers, events, profile modes. (Being written in this change; registers nothing yet.) */
import type { RouteModule } from '../context.js';

export const runtimeRoutes: RouteModule = async () => {};
