/**
 * Registers every route module on the API (under the URL base).
 */
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { registerEventStream } from '../sse.js';
import { registerActivityRoutes } from './activity.js';
import { registerGroupRoutes } from './groups.js';
import { registerItemRoutes } from './items.js';
import { registerJobRoutes } from './jobs.js';
import { registerLibraryRoutes } from './libraries.js';
import { registerMappingRoutes } from './mappings.js';
import { registerNotificationRoutes } from './notifications.js';
import { registerPlayerRoutes } from './players.js';
import { registerSystemRoutes } from './system.js';
import { registerTaskRoutes } from './tasks.js';
import { registerTestMappingRoute } from './test-mapping.js';
import { registerWebhookRoutes } from './webhooks.js';

export function registerRoutes(app: ApiApp, deps: ApiDeps): void {
  registerSystemRoutes(app, deps);
  registerLibraryRoutes(app, deps);
  registerGroupRoutes(app, deps);
  registerTestMappingRoute(app, deps);
  registerPlayerRoutes(app, deps);
  registerMappingRoutes(app, deps);
  registerNotificationRoutes(app, deps);
  registerTaskRoutes(app, deps);
  registerItemRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerActivityRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerEventStream(app, deps);
}
