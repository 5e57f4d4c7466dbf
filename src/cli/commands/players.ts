/** `kodi-sync players list|test`, `kodi-sync groups list` and `kodi-sync mappings list|test`, through the running service. */
import type { Command } from 'commander';
import { apiClientFor, wantsJson } from '../api-client.js';
import { action, printJson, printTable } from '../output.js';

interface PlayerView {
  id: number;
  groupId: number;
  name: string;
  host: string;
  httpPort: number;
  wsPort: number | null;
  enabled: boolean;
}
interface StateView {
  playerId: number;
  connected: boolean | null;
  webSocket: boolean;
  playing: boolean;
  scanning: boolean;
  lastError: string | null;
}

export function registerPlayersCommand(program: Command): void {
  const players = program.command('players').description('Kodi players: list with live state, test one');
  players.command('list', { isDefault: true }).action(
    action(async (_options: unknown, command: Command) => {
      const api = apiClientFor(command);
      const [list, states] = await Promise.all([
        api.get<PlayerView[]>('/api/v1/players'),
        api.get<StateView[]>('/api/v1/players/state'),
      ]);
      const stateOf = (id: number) => states.find((s) => s.playerId === id);
      if (wantsJson(command)) {
        printJson(list.map((p) => ({ ...p, state: stateOf(p.id) ?? null })));
        return;
      }
      printTable(list, {
        ID: (p) => p.id,
        GROUP: (p) => p.groupId,
        NAME: (p) => p.name,
        ADDRESS: (p) => `${p.host}:${p.httpPort}${p.wsPort === null ? '' : ` ws:${p.wsPort}`}`,
        ONLINE: (p) => stateOf(p.id)?.connected ?? null,
        WS: (p) => stateOf(p.id)?.webSocket ?? null,
        PLAYING: (p) => stateOf(p.id)?.playing ?? null,
        SCANNING: (p) => stateOf(p.id)?.scanning ?? null,
        PROBLEM: (p) => stateOf(p.id)?.lastError ?? null,
      });
    }),
  );
  players
    .command('test <id>')
    .description('Connect to the Kodi: version, authentication, WebSocket, video sources')
    .action(
      action(async (id: string, _options: unknown, command: Command) => {
        const result = await apiClientFor(command).post<{
          ok: boolean;
          checks: { name: string; ok: boolean; message: string }[];
        }>(`/api/v1/players/${encodeURIComponent(id)}/test`);
        if (wantsJson(command)) printJson(result);
        else
          for (const c of result.checks)
            process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}\n`);
        if (!result.ok) process.exitCode = 1;
      }),
    );

  const groups = program.command('groups').description('Player groups (one Kodi library each)');
  groups.command('list', { isDefault: true }).action(
    action(async (_options: unknown, command: Command) => {
      const list =
        await apiClientFor(command).get<
          { id: number; name: string; libraryIds: number[]; skipActive: boolean; sharedDatabase: boolean }[]
        >('/api/v1/groups');
      if (wantsJson(command)) {
        printJson(list);
        return;
      }
      printTable(list, {
        ID: (g) => g.id,
        NAME: (g) => g.name,
        LIBRARIES: (g) => g.libraryIds.join(','),
        'SKIP WHILE PLAYING': (g) => g.skipActive,
        'SHARED DB': (g) => g.sharedDatabase,
      });
    }),
  );

  const mappings = program
    .command('mappings')
    .description('Path mappings (manager folder → Kodi folder) and their test');
  mappings.command('list', { isDefault: true }).action(
    action(async (_options: unknown, command: Command) => {
      const list =
        await apiClientFor(command).get<
          { id: number; groupId: number; managerPrefix: string; kodiPrefix: string }[]
        >('/api/v1/mappings');
      if (wantsJson(command)) {
        printJson(list);
        return;
      }
      printTable(list, {
        ID: (m) => m.id,
        GROUP: (m) => m.groupId,
        MANAGER: (m) => m.managerPrefix,
        KODI: (m) => m.kodiPrefix,
      });
    }),
  );
  mappings
    .command('test <groupId> <path>')
    .description('Map a manager path for a group and ask a member Kodi whether it can see it')
    .option('--player <id>', 'ask this member')
    .action(
      action(async (groupId: string, path: string, options: { player?: string }, command: Command) => {
        const body = { path, ...(options.player !== undefined && { playerId: Number(options.player) }) };
        const result = await apiClientFor(command).post<{
          ok: boolean;
          kodiPath?: string;
          message: string;
          fix?: string;
        }>(`/api/v1/groups/${encodeURIComponent(groupId)}/test-mapping`, body);
        if (wantsJson(command)) printJson(result);
        else {
          process.stdout.write(`${result.ok ? 'ok' : 'FAIL'}: ${result.message}\n`);
          if (result.kodiPath) process.stdout.write(`Kodi path: ${result.kodiPath}\n`);
          if (result.fix) process.stdout.write(`fix: ${result.fix}\n`);
        }
        if (!result.ok) process.exitCode = 1;
      }),
    );
}
