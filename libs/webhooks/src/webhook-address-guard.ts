import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { WebhookError, WebhookErrorCode } from './webhooks.errors';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Every address a hostname resolves to (injected, so tests never leave loopback). */
export type ResolveAll = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');

export const systemResolver: ResolveAll = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Where a webhook may never go unless private networks are allowed: loopback, private,
 * link-local (cloud metadata lives at 169.254.169.254), unspecified, shared/CGNAT,
 * multicast and reserved ranges. IPv4-mapped IPv6 forms (::ffff:10.0.0.1) match the IPv4
 * rules (BlockList compares them as IPv4).
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
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
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) {
    return true;
  }
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The SSRF rules for webhook URLs, checked when a URL is registered and again at every
 * send. At send time the connection goes to the address this guard resolved and checked
 * (`lookup`, given to the HTTP agent), so a hostname that re-resolves to an internal
 * address between the check and the connect (DNS rebinding) is still refused.
 */
export class WebhookAddressGuard {
  constructor(
    readonly allowPrivateNetworks: boolean,
    private readonly resolve: ResolveAll,
  ) {}

  /** The parsed URL if deliveries may go there; WebhookError(url_refused) otherwise. */
  async check(raw: string): Promise<URL> {
    const url = parseUrl(raw);
    if (this.allowPrivateNetworks) {
      return url;
    }
    if (url.protocol !== 'https:') {
      throw refused('the URL must use https');
    }
    await this.addressesOf(hostOf(url));
    return url;
  }

  /** A `lookup` for net/tls.connect that only ever hands out checked addresses. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.addressesOf(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = addresses.filter((entry) => !wanted || entry.family === wanted);
        const first = usable[0];
        if (!first) {
          callback(
            Object.assign(new Error(`no usable address for ${hostname}`), { code: 'ENOTFOUND' }),
            '',
            0,
          );
        } else if (options.all) {
          (callback as (error: null, addresses: ResolvedAddress[]) => void)(null, [...usable]);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };

  /** Resolves `host` (or takes an IP literal) and refuses it if any address is forbidden. */
  private async addressesOf(host: string): Promise<readonly ResolvedAddress[]> {
    const family = isIP(host);
    let addresses: readonly ResolvedAddress[];
    if (family !== 0) {
      addresses = [{ address: host, family }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch {
        throw refused(`the host ${host} does not resolve`);
      }
    }
    if (addresses.length === 0) {
      throw refused(`the host ${host} does not resolve`);
    }
    if (
      !this.allowPrivateNetworks &&
      addresses.some((entry) => isForbiddenAddress(entry.address))
    ) {
      throw refused(
        'the URL resolves to a loopback, private or link-local address, which webhooks may not reach',
      );
    }
    return addresses;
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('the URL is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw refused('the URL must use https (or http where private networks are allowed)');
  }
  if (url.username || url.password) {
    throw refused('the URL must not carry credentials');
  }
  return url;
}

/** The host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function refused(detail: string): WebhookError {
  return new WebhookError(WebhookErrorCode.UrlRefused, detail);
}
