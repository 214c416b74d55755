/** Every route module of the server, registered in this order. */
import type { RouteModule } from '../context.js';
import { healthRoutes } from './health.js';
import { authRoutes } from './auth.js';
import { auditRoutes } from './audit.js';
import { policyRoutes } from './policies.js';
import { imageRoutes } from './images.js';
import { registryRoutes } from './registries.js';
import { alertRoutes } from './alerts.js';
import { runtimeRoutes } from './runtime.js';
import { dashboardRoutes } from './dashboard.js';

export const ROUTE_MODULES: RouteModule[] = [
  healthRoutes,
  authRoutes,
  auditRoutes,
  policyRoutes,
  imageRoutes,
  registryRoutes,
  alertRoutes,
  runtimeRoutes,
  dashboardRoutes,
];
