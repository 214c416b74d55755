/** Routes: registries, the monitor, push notifications. (Being written in this change; registers nothing yet.) */
import type { RouteModule } from '../context.js';

export const registryRoutes: RouteModule = async () => {};
