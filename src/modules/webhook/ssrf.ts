import { lookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { LocalizedError, text } from '../../shared/i18n';

/**
 * Where a webhook may not point (SSRF): private, loopback, link-local, unique-local, shared,
 * multicast, reserved and unspecified addresses, IPv4 and IPv6 (IPv4-mapped IPv6 as its IPv4).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** Whether a receiver at this address would reach inside the network. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A refusal: why the URL may not be used. */
export class RefusedUrl extends LocalizedError {}

/** Parses a receiver URL and resolves its host; refuses a private one unless allowed. */
export async function checkReceiverUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedUrl(text('不是有效的网址。', 'Not a URL.'));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new RefusedUrl(text('请使用 http 或 https 网址。', 'Use an http or https URL.'));
  if (url.username || url.password)
    throw new RefusedUrl(text('网址中不得包含用户名或密码。', 'Credentials in the URL are not allowed.'));
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true })).map((a) => a.address);
    } catch {
      throw new RefusedUrl(text(`无法解析主机 ${host}。`, `The host ${host} does not resolve.`));
    }
  }
  const inside = addresses.find(isPrivateAddress);
  if (inside)
    throw new RefusedUrl(
      text(
        `该主机解析到 ${inside}，属于私有、回环或链路本地地址。`,
        `The host resolves to ${inside}, a private, loopback or link-local address.`,
      ),
    );
  return url;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses private addresses at connect time: the address checked
 * is the address connected to, so a host re-resolving to an inside address (DNS rebinding) fails.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupAllOptions, callback: LookupCallback): void => {
    lookup(hostname, options, (err, address: string | LookupAddress[], family?: number) => {
      if (err) return callback(err, address, family);
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const inside = list.find(isPrivateAddress);
      if (inside && !allowPrivate)
        return callback(
          Object.assign(new Error(`refused: ${hostname} resolves to ${inside}`), { code: 'EREFUSED' }),
          address,
          family,
        );
      callback(null, address, family);
    });
  };
}
