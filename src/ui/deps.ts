/** What the web UI needs: the API's dependencies, the server to call the API in-process, and the key. */
import type { ApiApp } from '../api/app.js';
import type { ApiDeps } from '../api/deps.js';

export interface UiDeps extends ApiDeps {
  app: ApiApp;
  /** The API key in clear when this process knows it (api-key.txt); shown only on an explicit request. */
  apiKeyText(): string | undefined;
}

/** Per request: where the UI lives and the session's CSRF token for forms. */
export interface PageContext {
  base: string;
  csrf: string;
  /** The path below the base, for the current navigation entry. */
  path: string;
}
