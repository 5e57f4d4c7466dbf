/**
 * CRUD for Kodi players (password write-only: accepted, never returned — `hasPassword` says whether one is
 * set), their live state, and "test player": a real round trip (connect, auth, version, WebSocket, sources).
 * A Kodi belongs to one group, and a group without a shared database has one player (store/group-rules.ts).
 */
import { z } from 'zod';
import { maskUrlCredentials } from '../../config/mask.js';
import { KodiClient } from '../../kodi/client.js';
import { KodiAuthError } from '../../kodi/errors.js';
import { probeKodi } from '../../kodi/probe.js';
import {
  checkKodiNotInUse,
  checkRoomInGroup,
  createPlayer,
  deletePlayer,
  getPlayer,
  getPlayerGroup,
  getPlayerWithSecret,
  listPlayers,
  updatePlayer,
} from '../../store/index.js';
import { errorMessage } from '../../util/errors.js';
import type { ApiApp } from '../app.js';
import type { ApiDeps } from '../deps.js';
import { defined, Deleted, errors, Id, IdParams, Name, requireRef } from './common.js';
import { endpointOf } from './endpoint.js';
import { OUTBOUND_TEST_LIMIT } from '../rate-limit.js';

const Host = z
  .string({ error: 'must be a text' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(253)
  .regex(/^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|\[?[0-9A-Fa-f:.]+\]?)$/, {
    error:
      'must be a host name or IP address such as 192.168.1.20 or kodi.local (no http://, no port, no path)',
  });
const Port = z
  .int({ error: 'must be a whole number (a TCP port)' })
  .min(1, { error: 'must be 1–65535' })
  .max(65535, { error: 'must be 1–65535' });
const Secret = z.string({ error: 'must be a text' }).max(256);

const PlayerCreate = z.strictObject({
  groupId: Id,
  name: Name,
  host: Host,
  httpPort: Port.describe("Kodi's web server port (Settings › Services › Control), usually 8080"),
  wsPort: Port.nullable()
    .optional()
    .describe('JSON-RPC WebSocket/TCP port, usually 9090; null for HTTP only'),
  username: z.string({ error: 'must be a text' }).max(128).nullable().optional(),
  password: Secret.nullable().optional().describe('Write-only: never returned'),
  priority: z.int({ error: 'must be a whole number' }).min(-1000).max(1000).optional(),
  enabled: z.boolean({ error: 'must be true or false' }).optional(),
});
const PlayerUpdate = PlayerCreate.partial();

export const Player = z
  .object({
    id: z.number().int(),
    groupId: z.number().int(),
    name: z.string(),
    host: z.string(),
    httpPort: z.number().int(),
    wsPort: z.number().int().nullable(),
    username: z.string().nullable(),
    hasPassword: z.boolean(),
    priority: z.number().int(),
    enabled: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .meta({ id: 'Player' });

export const PlayerState = z
  .object({
    playerId: z.number().int(),
    groupId: z.number().int(),
    name: z.string(),
    enabled: z.boolean(),
    connected: z.boolean().nullable(),
    webSocket: z.boolean(),
    playing: z.boolean(),
    scanning: z.boolean(),
    lastError: z.string().nullable(),
    checkedAt: z.number().nullable(),
  })
  .meta({ id: 'PlayerState' });

const Check = z.object({ name: z.string(), ok: z.boolean(), message: z.string() });
const TestResult = z
  .object({
    ok: z.boolean(),
    checks: z.array(Check),
    kodiVersion: z.string().optional(),
    sources: z.array(z.object({ label: z.string(), file: z.string() })).optional(),
  })
  .meta({ id: 'PlayerTestResult' });

export function registerPlayerRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;
  const tags = ['players'];
  const GroupFilter = z.object({ group: Id.optional() });

  app.get(
    '/api/v1/players',
    { schema: { tags, querystring: GroupFilter, response: { 200: z.array(Player), ...errors } } },
    (request) => listPlayers(db, request.query.group === undefined ? {} : { groupId: request.query.group }),
  );
  app.get(
    '/api/v1/players/state',
    {
      schema: {
        tags,
        summary: 'Live state of every enabled player',
        response: { 200: z.array(PlayerState) },
      },
    },
    () => deps.players.states(),
  );
  app.post(
    '/api/v1/players',
    { schema: { tags, body: PlayerCreate, response: { 201: Player, ...errors } } },
    async (request, reply) => {
      await requireRef('groupId', () => getPlayerGroup(db, request.body.groupId));
      await checkKodiNotInUse(db, request.body);
      await checkRoomInGroup(db, request.body);
      deps.secrets.add(request.body.password);
      const player = await createPlayer(db, {
        ...defined(request.body),
        groupId: request.body.groupId,
        name: request.body.name,
        host: request.body.host,
        httpPort: request.body.httpPort,
      });
      deps.onConfigurationChange();
      return reply.code(201).send(player);
    },
  );
  app.get(
    '/api/v1/players/:id',
    { schema: { tags, params: IdParams, response: { 200: Player, ...errors } } },
    (request) => getPlayer(db, request.params.id),
  );
  app.put(
    '/api/v1/players/:id',
    { schema: { tags, params: IdParams, body: PlayerUpdate, response: { 200: Player, ...errors } } },
    async (request) => {
      const current = await getPlayer(db, request.params.id);
      const groupId = request.body.groupId;
      if (groupId !== undefined) await requireRef('groupId', () => getPlayerGroup(db, groupId));
      const placement = {
        playerId: current.id,
        groupId: groupId ?? current.groupId,
        host: request.body.host ?? current.host,
        httpPort: request.body.httpPort ?? current.httpPort,
      };
      await checkKodiNotInUse(db, placement);
      if (placement.groupId !== current.groupId) await checkRoomInGroup(db, placement);
      deps.secrets.add(request.body.password);
      const player = await updatePlayer(db, request.params.id, defined(request.body));
      deps.onConfigurationChange();
      return player;
    },
  );
  app.delete(
    '/api/v1/players/:id',
    { schema: { tags, params: IdParams, response: { 204: Deleted, ...errors } } },
    async (request, reply) => {
      await deletePlayer(db, request.params.id);
      deps.onConfigurationChange();
      return reply.code(204).send(null);
    },
  );
  app.post(
    '/api/v1/players/:id/test',
    {
      config: { rateLimit: OUTBOUND_TEST_LIMIT },
      schema: {
        tags,
        summary: 'Connect to the Kodi and report version, authentication, WebSocket and video sources',
        params: IdParams,
        response: { 200: TestResult, ...errors },
      },
    },
    async (request) => testPlayer(deps, await getPlayerWithSecret(db, request.params.id)),
  );
}

async function testPlayer(
  deps: ApiDeps,
  player: Parameters<typeof endpointOf>[0],
): Promise<z.infer<typeof TestResult>> {
  const endpoint = endpointOf(player);
  const where = `${player.host}:${player.httpPort}`;
  const checks: z.infer<typeof Check>[] = [];
  const scrub = (text: string) => deps.secrets.scrub(text);
  let kodiVersion: string | undefined;
  try {
    const probe = await probeKodi(endpoint, { timeoutMs: 5_000, logger: deps.logger });
    kodiVersion = probe.kodiVersion;
    checks.push({ name: 'connect', ok: true, message: `Kodi answered at http://${where}` });
    checks.push({
      name: 'auth',
      ok: true,
      message: endpoint.username === undefined ? 'no login needed' : `logged in as ${endpoint.username}`,
    });
    checks.push({
      name: 'version',
      ok: true,
      message: `Kodi ${probe.kodiVersion}, JSON-RPC ${probe.version.major}.${probe.version.minor}.${probe.version.patch}`,
    });
    checks.push({
      name: 'webSocket',
      ok: probe.webSocket,
      message: probe.webSocket
        ? `WebSocket up on port ${String(endpoint.wsPort)}`
        : scrub(
            `${probe.webSocketError ?? 'no WebSocket'}; Kodi Sync falls back to HTTP polling, slower to notice scans and playback`,
          ),
    });
  } catch (error) {
    const isAuth = error instanceof KodiAuthError;
    checks.push({ name: isAuth ? 'auth' : 'connect', ok: false, message: scrub(errorMessage(error)) });
    return { ok: false, checks };
  }
  const client = new KodiClient(endpoint, { webSocket: false, callTimeoutMs: 5_000, logger: deps.logger });
  try {
    const sources = (await client.getSources('video')).map((s) => ({
      label: s.label,
      file: maskUrlCredentials(s.file),
    }));
    checks.push({
      name: 'sources',
      ok: sources.length > 0,
      message:
        sources.length > 0
          ? `${sources.length} video source(s): ${sources.map((s) => s.file).join(', ')}`
          : 'Kodi has no video source: add your movie/TV folders in Kodi (Videos › Files › Add videos) and set their content type',
    });
    return {
      ok: checks.every((c) => c.ok || c.name === 'webSocket'),
      checks,
      ...(kodiVersion && { kodiVersion }),
      sources,
    };
  } catch (error) {
    checks.push({ name: 'sources', ok: false, message: scrub(errorMessage(error)) });
    return { ok: false, checks, ...(kodiVersion && { kodiVersion }) };
  } finally {
    await client.close();
  }
}
