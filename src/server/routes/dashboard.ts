/** Routes: the dashboard's files. (Being written in this change; registers nothing yet.) */
import type { RouteModule } from '../context.js';

export const dashboardRoutes: RouteModule = async () => {};
