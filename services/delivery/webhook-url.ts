// Where a webhook may point. A URL an organisation's staff type is a request the server will make: without these
// checks it would POST into our own network (SSRF: the database, Temporal, the cloud's metadata service). Checked
// twice: at registration (scheme, literal addresses, local names) and at every delivery (the addresses the name
// resolves to then, so a name re-pointed at 10.0.0.5 after registration is refused too).
import dns from 'node:dns';
import net from 'node:net';

const PRIVATE = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, the cloud metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['64:ff9b::', 96], // NAT64: an IPv4 address of any kind behind it
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(prefix, bits, 'ipv6');
}

/** Loopback, private, link-local, CGNAT, multicast or reserved; IPv4-mapped IPv6 (::ffff:10.0.0.1) counts as its IPv4. */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** What the URL's host is as an address: WHATWG URL already turned 0x7f.1 and 2130706433 into 127.0.0.1. */
const bareHost = (u: URL): string => u.hostname.replace(/^\[(.*)\]$/, '$1');

/** Why a URL is refused, in both languages the API answers in (api/i18n.ts Bilingual). */
export interface UrlProblem {
  zh: string;
  en: string;
}
const problem = (zh: string, en: string): UrlProblem => ({ zh, en });

const LOCAL_NAME = /(^|\.)(localhost|local|internal|localdomain)$/i;
const isLoopbackHost = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '::1';

/**
 * Why a URL may not be registered, or null. `allowPrivate` (development and test only) admits plain http to this
 * machine and private addresses, so a receiver on 127.0.0.1 can be tried; production admits only https to a public
 * name or address.
 */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): UrlProblem | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return problem('不是有效的网址', 'not a valid URL');
  }
  const host = bareHost(u);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && allowPrivate && isLoopbackHost(host))) {
    return problem('推送地址必须使用 https://', 'must be an https:// URL');
  }
  if (u.username || u.password) return problem('网址中不能包含用户名或密码', 'must not carry a user name or password');
  if (u.hash) return problem('网址中不能包含 #片段', 'must not carry a #fragment');
  if (allowPrivate) return null;
  if (net.isIP(host) ? isPrivateAddress(host) : LOCAL_NAME.test(host) || !host.includes('.')) {
    return problem('推送地址不能指向本机或内部网络', 'must not point at this machine or a private network');
  }
  return null;
}

export class PrivateAddressError extends Error {
  constructor(readonly host: string) {
    super(`refused: ${host} resolves to a private or loopback address`);
    this.name = 'PrivateAddressError';
  }
}

/**
 * A `lookup` for http(s).request that refuses a name any of whose addresses is private, at connect time: the check
 * and the connection use the same answer, so a name that flips between a public and a private address (DNS
 * rebinding) cannot pass the check and then connect inside.
 */
export const publicOnlyLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address)))
      return callback(new PrivateAddressError(hostname), '', 0);
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
};

/** A literal-address host is connected to without any lookup: it is checked here instead. */
export function refusedLiteral(u: URL): boolean {
  const host = bareHost(u);
  return net.isIP(host) !== 0 && isPrivateAddress(host);
}
