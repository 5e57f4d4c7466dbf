/**
 * The addresses a listening service can be reached at, for the start banner and the log: like the *arr apps, a
 * service bound to every interface lists this machine's own addresses, loopback first (the CLI on this machine
 * uses the first one).
 */
import { networkInterfaces } from 'node:os';

const ALL_IPV4 = '0.0.0.0';
const ALL = new Set([ALL_IPV4, '::', '*']);

export function reachableUrls(
  bindAddress: string,
  port: number,
  urlBase: string,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): string[] {
  const url = (host: string) => `http://${host.includes(':') ? `[${host}]` : host}:${port}${urlBase}`;
  if (!ALL.has(bindAddress)) return [url(bindAddress)];
  const hosts = ['127.0.0.1'];
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv4') hosts.push(info.address);
      // A dual-stack listener also answers on global IPv6 addresses; link-local ones need a zone, skip them.
      else if (bindAddress !== ALL_IPV4 && !info.address.toLowerCase().startsWith('fe80'))
        hosts.push(info.address);
    }
  }
  return [...new Set(hosts)].map(url);
}
