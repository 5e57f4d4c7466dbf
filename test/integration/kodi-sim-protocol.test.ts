// The simulator speaks Kodi 20.1's wire protocol (research/real-kodi.md §1, §11; kodi-jsonrpc.md §10).
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatedKodi, type SimulatedKodi } from '../fixtures/sim-kodi.js';
import { httpCall, httpUrl, RawWebSocket, rpc } from './kodi-sim-raw.js';

let kodi: SimulatedKodi | undefined;

afterEach(async () => {
  await kodi?.stop();
  kodi = undefined;
});

async function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  if (!kodi) throw new Error('no kodi');
  return fetch(httpUrl(kodi.endpoint), { method: 'POST', headers, body });
}

describe('JSON-RPC over HTTP', () => {
  it('identifies itself as Kodi 20.1 with JSON-RPC 13.0.0', async () => {
    kodi = await startSimulatedKodi();
    expect(await httpCall(kodi.endpoint, 'JSONRPC.Version')).toMatchObject({
      jsonrpc: '2.0',
      result: { version: { major: 13, minor: 0, patch: 0 } },
    });
    expect(await rpc(kodi.endpoint, 'JSONRPC.Ping')).toBe('pong');
    expect(
      await rpc(kodi.endpoint, 'Application.GetProperties', { properties: ['version', 'name'] }),
    ).toEqual({
      name: 'Kodi',
      version: { major: 20, minor: 1, revision: '20.1+dfsg-1', tag: 'stable' },
    });
  });

  it('answers unknown methods with -32601 and broken JSON with -32700 and id null', async () => {
    kodi = await startSimulatedKodi();
    expect(await httpCall(kodi.endpoint, 'Nope.Nothing')).toMatchObject({
      error: { code: -32601, message: 'Method not found.' },
    });
    const broken = await post('{"jsonrpc":"2.0",', { 'Content-Type': 'application/json' });
    expect(broken.status).toBe(200);
    expect(await broken.json()).toEqual({
      error: { code: -32700, message: 'Parse error.' },
      id: null,
      jsonrpc: '2.0',
    });
  });

  it('answers a batch with an array and skips entries without id', async () => {
    kodi = await startSimulatedKodi();
    const response = await post(
      JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'JSONRPC.Ping' },
        { jsonrpc: '2.0', method: 'JSONRPC.Ping' },
        { jsonrpc: '2.0', id: 2, method: 'JSONRPC.Version' },
      ]),
      { 'Content-Type': 'application/json' },
    );
    const answers = (await response.json()) as { id: number }[];
    expect(answers.map((a) => a.id)).toEqual([1, 2]);
  });

  it('echoes the InfoBoolean names exactly as sent', async () => {
    kodi = await startSimulatedKodi();
    expect(
      await rpc(kodi.endpoint, 'XBMC.GetInfoBooleans', {
        booleans: ['Library.IsScanningVideo', 'player.hasmedia', 'Something.Else'],
      }),
    ).toEqual({ 'Library.IsScanningVideo': false, 'player.hasmedia': false, 'Something.Else': false });
  });

  it('refuses bad or missing credentials with 401 and Basic realm "Kodi"; the WebSocket asks for none', async () => {
    kodi = await startSimulatedKodi({ username: 'kodi', password: 's3cret' });
    expect(await rpc(kodi.endpoint, 'JSONRPC.Ping')).toBe('pong');
    const missing = await post('{"jsonrpc":"2.0","id":1,"method":"JSONRPC.Ping"}');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Basic realm="Kodi"');
    expect(await missing.text()).toBe('');
    const wrong = await post('{"jsonrpc":"2.0","id":1,"method":"JSONRPC.Ping"}', {
      Authorization: `Basic ${Buffer.from('kodi:wrong').toString('base64')}`,
    });
    expect(wrong.status).toBe(401);
    const ws = await RawWebSocket.open(kodi.endpoint);
    expect((await ws.call('JSONRPC.Ping')).result).toBe('pong');
    ws.close();
  });

  it('refuses other content types with 415 and accepts none, charset and the JSON-RPC types', async () => {
    kodi = await startSimulatedKodi();
    const body = '{"jsonrpc":"2.0","id":1,"method":"JSONRPC.Ping"}';
    expect((await post(body, { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post(body, { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    for (const type of [
      'application/json; charset=utf-8',
      'application/json-rpc',
      'application/jsonrequest',
    ]) {
      expect((await post(body, { 'Content-Type': type })).status).toBe(200);
    }
    const none = await fetch(httpUrl(kodi.endpoint), { method: 'POST', body: new Blob([body]) });
    expect(none.status).toBe(200);
  });

  it('serves GET ?request= read-only: reads work, changes get -32099', async () => {
    kodi = await startSimulatedKodi();
    const get = async (method: string): Promise<unknown> => {
      if (!kodi) throw new Error('no kodi');
      const request = encodeURIComponent(JSON.stringify({ jsonrpc: '2.0', id: 1, method }));
      return (await fetch(`${httpUrl(kodi.endpoint)}?request=${request}`)).json();
    };
    expect(await get('JSONRPC.Ping')).toMatchObject({ result: 'pong' });
    expect(await get('VideoLibrary.Scan')).toMatchObject({ error: { code: -32099 } });
  });
});

describe('WebSocket', () => {
  it('accepts any path and records every call with its transport', async () => {
    kodi = await startSimulatedKodi();
    for (const path of ['/jsonrpc', '/', '/anything']) {
      const ws = await RawWebSocket.open(kodi.endpoint, path);
      expect((await ws.call('JSONRPC.Ping')).result).toBe('pong');
      ws.close();
    }
    await rpc(kodi.endpoint, 'JSONRPC.Version');
    expect(kodi.sim.callLog.map((c) => [c.method, c.transport])).toEqual([
      ['JSONRPC.Ping', 'ws'],
      ['JSONRPC.Ping', 'ws'],
      ['JSONRPC.Ping', 'ws'],
      ['JSONRPC.Version', 'http'],
    ]);
    expect(kodi.sim.calls('JSONRPC.Ping')).toHaveLength(3);
  });

  it('sends System.OnQuit and Kodi’s malformed close frame when it stops', async () => {
    kodi = await startSimulatedKodi();
    const ws = await RawWebSocket.open(kodi.endpoint);
    await kodi.stop();
    kodi = undefined;
    expect(await ws.closed()).toBe(1006);
    expect(ws.notifications.map((n) => [n.method, n.data])).toEqual([['System.OnQuit', { exitcode: 0 }]]);
    expect(ws.errors.map((e) => e.message)).toEqual(['Invalid WebSocket frame: invalid UTF-8 sequence']);
  });

  it('shows GUI notifications as toasts', async () => {
    kodi = await startSimulatedKodi();
    await rpc(kodi.endpoint, 'GUI.ShowNotification', {
      title: 'Kodi Sync',
      message: 'Added The Matrix',
      displaytime: 3000,
    });
    expect(kodi.sim.toasts).toEqual([{ title: 'Kodi Sync', message: 'Added The Matrix', displaytime: 3000 }]);
  });
});
