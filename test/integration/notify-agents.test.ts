// Each notification agent against a local HTTP receiver standing in for the real service: the exact request, the
// limits, non-ASCII text, and the service's error answers (429, 401, 424, 204, silence), with secrets never leaked.
import { afterEach, describe, expect, it } from 'vitest';
import { appriseAgent, ApprisePartialFailureError } from '../../src/notify/apprise.js';
import { discordAgent } from '../../src/notify/discord.js';
import { gotifyAgent } from '../../src/notify/gotify.js';
import { RateLimitedError } from '../../src/notify/http.js';
import { ntfyAgent } from '../../src/notify/ntfy.js';
import { pushoverAgent } from '../../src/notify/pushover.js';
import type { NotificationAgent, NotificationMessage } from '../../src/notify/types.js';
import { PermanentError, TransientError, ValidationError } from '../../src/util/errors.js';
import { closeReceivers, receiver, stopReceivers, type Received } from './notify-receiver.js';

afterEach(closeReceivers);

const message = (over: Partial<NotificationMessage> = {}): NotificationMessage => ({
  type: 'job-failed',
  title: 'Publish failed',
  message: 'The Matrix (1999): Kodi "living room" did not add the file',
  level: 'failure',
  ...over,
});

async function send<S>(agent: NotificationAgent<S>, settings: unknown, msg = message(), timeoutMs = 5_000) {
  await agent.send(msg, agent.validateSettings(settings), { timeoutMs });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const json = (request: Received | undefined): Record<string, unknown> =>
  JSON.parse(request?.body ?? 'null') as Record<string, unknown>;

const DISCORD_TOKEN = 'Zx9-discordSecretToken_abcdef';

describe('Discord', () => {
  const settings = (base: string, over: Record<string, unknown> = {}) => ({
    webhookUrl: `${base}/api/webhooks/123456789/${DISCORD_TOKEN}`,
    ...over,
  });

  it('posts one embed as JSON to the webhook URL, pinging nobody', async () => {
    const discord = await receiver();
    await send(discordAgent, settings(discord.url, { username: 'Kodi Sync' }));
    expect(discord.requests).toHaveLength(1);
    const [request] = discord.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`/api/webhooks/123456789/${DISCORD_TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(json(request)).toEqual({
      username: 'Kodi Sync',
      embeds: [
        {
          title: 'Publish failed',
          description: 'The Matrix (1999): Kodi "living room" did not add the file',
          color: 0xe74c3c,
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('cuts the title to 256 and the description to 4096 characters, keeping emoji whole', async () => {
    const discord = await receiver();
    await send(
      discordAgent,
      settings(discord.url),
      message({ title: 'T'.repeat(300), message: '🎬'.repeat(3000) }),
    );
    const embed = (json(discord.requests[0]).embeds as { title: string; description: string }[])[0];
    expect(embed?.title.length).toBe(256);
    expect(embed?.title.endsWith('…')).toBe(true);
    expect(embed?.description.length).toBeLessThanOrEqual(4096);
    expect(embed?.description.length).toBeGreaterThan(4090);
    expect(embed?.description).not.toContain('\uFFFD');
    expect(embed?.description.slice(0, -1)).toMatch(/^(🎬)+$/u);
  });

  it('sends non-ASCII titles intact', async () => {
    const discord = await receiver();
    await send(discordAgent, settings(discord.url), message({ title: 'Amélie — 番組 🎬' }));
    expect((json(discord.requests[0]).embeds as { title: string }[])[0]?.title).toBe('Amélie — 番組 🎬');
  });

  it('waits for retry_after on a 429 and retries once', async () => {
    const discord = await receiver((res, _req, index) => {
      if (index === 0) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.3, global: false }));
      } else res.writeHead(204).end();
    });
    const started = Date.now();
    await send(discordAgent, settings(discord.url));
    expect(discord.requests).toHaveLength(2);
    // retry_after (0.3 s, precise) wins over the whole-second Retry-After header.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(discord.requests[1]?.body).toBe(discord.requests[0]?.body);
  });

  it('falls back to the Retry-After header when the 429 body is not JSON', async () => {
    const discord = await receiver((res, _req, index) => {
      if (index === 0) res.writeHead(429, { 'retry-after': '0' }).end('slow down');
      else res.writeHead(204).end();
    });
    await send(discordAgent, settings(discord.url));
    expect(discord.requests).toHaveLength(2);
  });

  it('gives up with a transient RateLimitedError when the second try is limited too', async () => {
    const discord = await receiver((res) => {
      res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ retry_after: 0.05 }));
    });
    const error = await failure(send(discordAgent, settings(discord.url)));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toBeInstanceOf(TransientError);
    expect(discord.requests).toHaveLength(2);
  });

  it('does not wait beyond its bound: a long retry_after fails at once', async () => {
    const discord = await receiver((res) => {
      res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ retry_after: 30 }));
    });
    const started = Date.now();
    const error = await failure(send(discordAgent, settings(discord.url)));
    expect(Date.now() - started).toBeLessThan(1_000);
    if (!(error instanceof RateLimitedError)) throw error;
    expect(error.retryAfterMs).toBe(30_000);
    expect(discord.requests).toHaveLength(1);
  });

  it('never puts the webhook token in an error, even when the service echoes the URL', async () => {
    const discord = await receiver((res, req) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Unknown Webhook ${req.url}`, code: 10015 }));
    });
    const error = await failure(send(discordAgent, settings(discord.url)));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain('Unknown Webhook');
    expect(error.message).not.toContain(DISCORD_TOKEN);
  });

  it('refuses a URL that is not a Discord webhook, naming the setting', () => {
    expect(() => discordAgent.validateSettings({ webhookUrl: 'https://example.com/hook' })).toThrow(
      ValidationError,
    );
    expect(() => discordAgent.validateSettings({ webhookUrl: 'https://example.com/hook' })).toThrow(
      /settings\.webhookUrl/,
    );
  });

  it('refuses text that is not a URL at all, naming the setting', () => {
    expect(() => discordAgent.validateSettings({ webhookUrl: 'not a url' })).toThrow(/settings\.webhookUrl/);
  });
});

const PUSHOVER_TOKEN = 'azGDORePK8gMaC0QOYAMyEEuzJnyUi';
const PUSHOVER_USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';

describe('Pushover', () => {
  const settings = (base: string, over: Record<string, unknown> = {}) => ({
    token: PUSHOVER_TOKEN,
    user: PUSHOVER_USER,
    apiUrl: `${base}/1/messages.json`,
    ...over,
  });

  it('posts form fields token, user, title and message to the messages API', async () => {
    const pushover = await receiver((res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1,"request":"abc"}');
    });
    await send(pushoverAgent, settings(pushover.url), message({ title: 'Épisode publié 🎬' }));
    const [request] = pushover.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/1/messages.json');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(request?.body ?? ''));
    expect(form).toEqual({
      token: PUSHOVER_TOKEN,
      user: PUSHOVER_USER,
      title: 'Épisode publié 🎬',
      message: 'The Matrix (1999): Kodi "living room" did not add the file',
    });
  });

  it('cuts the message to 1024 and the title to 250 characters, and sends a chosen priority', async () => {
    const pushover = await receiver((res) => res.writeHead(200).end('{"status":1}'));
    await send(
      pushoverAgent,
      settings(pushover.url, { priority: 1 }),
      message({ title: 'x'.repeat(400), message: 'y'.repeat(5000) }),
    );
    const form = new URLSearchParams(pushover.requests[0]?.body ?? '');
    expect(form.get('message')?.length).toBe(1024);
    expect(form.get('title')?.length).toBe(250);
    expect(form.get('priority')).toBe('1');
  });

  it('never offers emergency priority 2 (it needs retry/expire and an acknowledgement)', () => {
    expect(() => pushoverAgent.validateSettings(settings('http://x', { priority: 2 }))).toThrow(
      /settings\.priority/,
    );
  });

  it('reports Pushover’s own reason on a 400 without the token', async () => {
    const pushover = await receiver((res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: 'invalid', errors: ['application token is invalid'], status: 0 }));
    });
    const error = await failure(send(pushoverAgent, settings(pushover.url)));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain('application token is invalid');
    expect(error.message).not.toContain(PUSHOVER_TOKEN);
    expect(error.message).not.toContain(PUSHOVER_USER);
  });
});

const NTFY_TOKEN = 'tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2';

describe('ntfy', () => {
  it('publishes JSON to the server root with the topic, a non-ASCII title and a Bearer token', async () => {
    const ntfy = await receiver((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x"}'),
    );
    await send(
      ntfyAgent,
      { serverUrl: ntfy.url, topic: 'kodi-sync', token: NTFY_TOKEN },
      message({ title: 'Épisode ajouté — 番組 🎬', level: 'success', message: 'Café Society S01E04' }),
    );
    const [request] = ntfy.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe(`Bearer ${NTFY_TOKEN}`);
    expect(request?.headers['x-title']).toBeUndefined();
    expect(json(request)).toEqual({
      topic: 'kodi-sync',
      title: 'Épisode ajouté — 番組 🎬',
      message: 'Café Society S01E04',
      priority: 3,
      tags: ['white_check_mark'],
    });
  });

  it('cuts the message to 4096 UTF-8 bytes without splitting a character', async () => {
    const ntfy = await receiver((res) => res.writeHead(200).end('{}'));
    await send(ntfyAgent, { serverUrl: ntfy.url, topic: 't' }, message({ message: 'é番🎬'.repeat(1000) }));
    const sent = json(ntfy.requests[0]).message as string;
    expect(Buffer.byteLength(sent, 'utf8')).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(sent, 'utf8')).toBeGreaterThan(4080);
    expect(sent).not.toContain('\uFFFD');
    expect(sent.endsWith('…')).toBe(true);
  });

  it('uses Basic auth with username and password, and keeps a path prefix of the server URL', async () => {
    const ntfy = await receiver((res) => res.writeHead(200).end('{}'));
    await send(ntfyAgent, {
      serverUrl: `${ntfy.url}/ntfy/`,
      topic: 'alerts',
      username: 'phil',
      password: 'p4ss-w0rd',
    });
    const [request] = ntfy.requests;
    expect(request?.url).toBe('/ntfy/');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('phil:p4ss-w0rd').toString('base64')}`);
  });

  it('says what to fix on a 403 and never shows the token', async () => {
    const ntfy = await receiver((res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 40301, http: 403, error: 'forbidden' }));
    });
    const error = await failure(send(ntfyAgent, { serverUrl: ntfy.url, topic: 'alerts', token: NTFY_TOKEN }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/may publish to topic "alerts"/);
    expect(error.message).not.toContain(NTFY_TOKEN);
  });
});

const GOTIFY_TOKEN = 'AbCdEf.gotify-token_123';

describe('Gotify', () => {
  it('posts JSON {title, message, priority} to /message with the X-Gotify-Key header', async () => {
    const gotify = await receiver((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}'),
    );
    await send(
      gotifyAgent,
      { serverUrl: `${gotify.url}/gotify/`, token: GOTIFY_TOKEN },
      message({ title: 'Kodi hors ligne ⚠' }),
    );
    const [request] = gotify.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/gotify/message');
    expect(request?.headers['x-gotify-key']).toBe(GOTIFY_TOKEN);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(json(request)).toEqual({
      title: 'Kodi hors ligne ⚠',
      message: 'The Matrix (1999): Kodi "living room" did not add the file',
      priority: 8,
    });
  });

  it('turns a 401 into a permanent "token is invalid" error without the token', async () => {
    const gotify = await receiver((res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'Unauthorized',
          errorCode: 401,
          errorDescription: `you need to provide a valid access token or user credentials to access this api (${GOTIFY_TOKEN})`,
        }),
      );
    });
    const error = await failure(send(gotifyAgent, { serverUrl: gotify.url, token: GOTIFY_TOKEN }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/token is invalid/);
    expect(error.message).not.toContain(GOTIFY_TOKEN);
  });

  it('turns silence into a TransientError once the timeout has passed', async () => {
    const gotify = await receiver(() => {
      // Never answers.
    });
    const started = Date.now();
    const error = await failure(
      send(gotifyAgent, { serverUrl: gotify.url, token: GOTIFY_TOKEN }, message(), 300),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/no answer within 300 ms/);
  });

  it('turns a refused connection into a TransientError', async () => {
    const gotify = await receiver();
    stopReceivers();
    const error = await failure(send(gotifyAgent, { serverUrl: gotify.url, token: GOTIFY_TOKEN }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/Gotify: cannot reach http:\/\/127\.0\.0\.1:\d+\/message/);
  });
});

describe('Apprise API', () => {
  const TARGETS = 'tgram://123456:BotSecretToken/987, discord://111/WebhookSecretToken';

  it('stateless: posts urls, title, body and type to /notify', async () => {
    const apprise = await receiver((res) => res.writeHead(200).end('Notification(s) sent.'));
    await send(
      appriseAgent,
      { serverUrl: apprise.url, urls: TARGETS },
      message({ level: 'warning', title: 'Nettoyage refusé' }),
    );
    const [request] = apprise.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/notify');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(json(request)).toEqual({
      title: 'Nettoyage refusé',
      body: 'The Matrix (1999): Kodi "living room" did not add the file',
      type: 'warning',
      urls: TARGETS,
    });
  });

  it('stateful: posts to /notify/{key} with the tag and Basic auth', async () => {
    const apprise = await receiver((res) => res.writeHead(200).end());
    await send(appriseAgent, {
      serverUrl: apprise.url,
      key: 'kodi-sync',
      tag: 'tv, admin',
      username: 'u',
      password: 'pw-secret',
    });
    const [request] = apprise.requests;
    expect(request?.url).toBe('/notify/kodi-sync');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('u:pw-secret').toString('base64')}`);
    expect(json(request)).toEqual({
      title: 'Publish failed',
      body: 'The Matrix (1999): Kodi "living room" did not add the file',
      type: 'failure',
      tag: 'tv, admin',
    });
  });

  it('reports a 424 as a partial failure (not retried: some targets got it), without the target tokens', async () => {
    const apprise = await receiver((res) =>
      res.writeHead(424).end(`One or more notifications could not be sent: ${TARGETS}`),
    );
    const error = await failure(send(appriseAgent, { serverUrl: apprise.url, urls: TARGETS }));
    expect(error).toBeInstanceOf(ApprisePartialFailureError);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/at least one notification could not be sent/);
    expect(error.message).not.toContain('BotSecretToken');
  });

  it('reports a 204 as "no configuration for the key"', async () => {
    const apprise = await receiver((res) => res.writeHead(204).end());
    const error = await failure(send(appriseAgent, { serverUrl: apprise.url, key: 'missing' }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/no configuration for key "missing"/);
  });
});
