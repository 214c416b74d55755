/** Routes: alerts and their delivery. (Being written in this change; registers nothing yet.) */
import type { RouteModule } from '../context.js';

export const alertRoutes: RouteModule = async () => {};
