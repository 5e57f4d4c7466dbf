/**
 * Registers every route module on the API (under the URL base).
 */
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { registerSystemRoutes } from './system.js';

export async function registerRoutes(app: ApiApp, deps: ApiDeps): Promise<void> {
  registerSystemRoutes(app, deps);
  await Promise.resolve();
}
