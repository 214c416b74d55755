/** Routes: images, scans (CI uploads), findings. (Being written in this change; registers nothing yet.) */
import type { RouteModule } from '../context.js';

export const imageRoutes: RouteModule = async () => {};
