// GeoIP lookups for ip.geoip.* / ipv6.geoip.* (Wireshark's field names).
// Default database: the bundled @ip-location-db/geo-whois-asn-country-mmdb
// (country only); a MaxMind GeoLite2/GeoIP2 country, city or ASN database
// given by path or $XDPSCOPE_GEOIP wins. Lookups are cached (hot path).
import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'maxmind';
import { ipv4ToString, ipv6ToString } from '../dissect/addr';
import { specialV4, specialV6, type SpecialRange } from './special';

export interface GeoInfo {
  countryIso?: string;
  country?: string;
  city?: string;
  asn?: number;
  org?: string;
  /** set for ranges that have no country (private, loopback, benchmarking, ...) */
  special?: SpecialRange;
}

const CACHE_MAX = 65536;

/** Opened databases as they cross a thread boundary: their paths and bytes (in shared memory). */
export interface GeoIpData {
  paths: string[];
  bytes: Uint8Array[];
}
// created on first use: loading ICU's region names costs ~20 ms, which runs that do no GeoIP should not pay
let regionNames: Intl.DisplayNames | null = null;

interface MmdbRecord {
  country_code?: string;
  country?: { iso_code?: string; names?: Record<string, string> };
  registered_country?: { iso_code?: string; names?: Record<string, string> };
  city?: { names?: Record<string, string> };
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

export function defaultDatabasePath(): string {
  return require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
}

export class GeoIp {
  private readonly readers: Reader<Response>[];
  private cache4 = new Map<number, GeoInfo | null>();
  private cache6 = new Map<string, GeoInfo | null>();
  readonly paths: string[];

  /** the databases' bytes, in `paths` order */
  private readonly bytes: Buffer[];

  /** One or more .mmdb files; the first that knows an address wins, per attribute. `bytes`: their contents, already read. */
  constructor(paths: string[], bytes?: Uint8Array[]) {
    this.paths = paths;
    this.bytes = [];
    this.readers = paths.map((p, i) => {
      try {
        const b = bytes?.[i];
        const buf = b === undefined ? readFileSync(p) : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
        this.bytes.push(buf);
        return new Reader<Response>(buf);
      } catch (e) {
        throw new Error(`GeoIP database ${p}: ${(e as Error).message}`, { cause: e });
      }
    });
  }

  /** the default databases' bytes in shared memory, for other threads (once per process) */
  private static sharedData: GeoIpData | null | undefined;

  /**
   * The default databases (GeoIp.default) as data for another thread, null
   * when they cannot be opened: a parallel open's threads then skip reading
   * the ~8 MB file each.
   */
  static defaultData(): GeoIpData | null {
    if (GeoIp.sharedData === undefined) {
      const g = GeoIp.default();
      GeoIp.sharedData = g === null ? null : {
        paths: g.paths,
        bytes: g.bytes.map((b) => { const s = new Uint8Array(new SharedArrayBuffer(b.length)); s.set(b); return s; }),
      };
      // this thread reads the shared copy too: the file's bytes read into its own buffer (~8 MB) are let go
      if (g !== null && GeoIp.shared === g) GeoIp.shared = g.over(GeoIp.sharedData!.bytes);
    }
    return GeoIp.sharedData;
  }

  /** The same databases read from other bytes of the same contents, its lookups so far kept. */
  private over(bytes: Uint8Array[]): GeoIp {
    const g = new GeoIp(this.paths, bytes);
    g.cache4 = this.cache4;
    g.cache6 = this.cache6;
    return g;
  }

  /** Uses databases another thread opened (defaultData) as this thread's default ones. */
  static useDefaultData(d: GeoIpData | null): void {
    GeoIp.shared = d === null ? null : new GeoIp(d.paths, d.bytes);
  }

  /** $XDPSCOPE_GEOIP (comma-separated paths) before the bundled database. */
  static open(userPath?: string): GeoIp {
    const user = (userPath ?? process.env.XDPSCOPE_GEOIP ?? '').split(',').filter(Boolean);
    return new GeoIp([...user, defaultDatabasePath()]);
  }

  /** undefined: not opened yet; null: it could not be (the reason went to stderr once) */
  private static shared: GeoIp | null | undefined;
  /**
   * The default databases, opened once. When they cannot be opened (a bad
   * $XDPSCOPE_GEOIP), one warning goes to stderr and packets carry no GeoIP
   * fields: retrying the open on every packet cost a dissector error each.
   */
  static default(): GeoIp | null {
    if (GeoIp.shared === undefined) {
      try {
        GeoIp.shared = GeoIp.open();
      } catch (e) {
        GeoIp.shared = null;
        process.stderr.write(`xdpscope: ${(e as Error).message}; going on without GeoIP\n`);
      }
    }
    return GeoIp.shared;
  }

  lookupV4(a: number): GeoInfo | null {
    let r = this.cache4.get(a);
    if (r !== undefined) return r;
    const sp = specialV4(a);
    r = sp ? { special: sp, country: sp.name } : this.query(ipv4ToString(a));
    if (this.cache4.size >= CACHE_MAX) this.cache4.clear();
    this.cache4.set(a, r);
    return r;
  }

  lookupV6(b: Uint8Array): GeoInfo | null {
    const sp = specialV6(b);
    if (sp) return { special: sp, country: sp.name };
    const text = ipv6ToString(b);
    let r = this.cache6.get(text);
    if (r !== undefined) return r;
    r = this.query(text);
    if (this.cache6.size >= CACHE_MAX) this.cache6.clear();
    this.cache6.set(text, r);
    return r;
  }

  private query(ip: string): GeoInfo | null {
    const out: GeoInfo = {};
    for (const reader of this.readers) {
      let rec: MmdbRecord | null;
      try { rec = reader.get(ip) as MmdbRecord | null; } catch { rec = null; }
      if (!rec) continue;
      const iso = rec.country?.iso_code ?? rec.country_code ?? rec.registered_country?.iso_code;
      if (iso && !out.countryIso) {
        out.countryIso = iso;
        out.country = rec.country?.names?.en ?? countryName(iso);
      }
      if (rec.city?.names?.en && !out.city) out.city = rec.city.names.en;
      if (rec.autonomous_system_number !== undefined && out.asn === undefined) {
        out.asn = rec.autonomous_system_number;
        out.org = rec.autonomous_system_organization;
      }
    }
    return out.countryIso || out.asn !== undefined || out.city ? out : null;
  }
}

function countryName(iso: string): string {
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return regionNames.of(iso) ?? iso;
  } catch {
    return iso;
  }
}
