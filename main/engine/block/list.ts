// The block list as the engine keeps it: each entry's reason, time, TTL and
// the alert it answers, over a live capture whose helper holds the real
// list (helper/block.c: the XDP program's map, TTLs enforced there, gone
// with the helper however it ends). This side decides what may be blocked
// (allowed at all? protected address?) and runs the optional rules.
import type { Alert } from '../../api/insights';
import type { BlockEntry, BlockRule } from '../../api/block';
// the limits alone: the block API's schemas (zod) stay out of threads that only analyse
import { BLOCK_DEFAULT_TTL_SEC, BLOCK_MAX_ENTRIES, BLOCK_MAX_TTL_SEC } from '../../api/block-limits';
import { ApiError } from '../../api/errors';
import { displayPrefix, overlaps, parsePrefix, type Prefix } from './address';
import { protectedPrefixes, protectionOf, type Protected } from './protect';

/** What a live capture offers the list (HelperCapture has exactly these). */
export interface BlockTarget {
  block(prefix: string, ttlSec: number): Promise<string>;
  unblock(prefix: string): Promise<string>;
  blocks(): Promise<Array<{ prefix: string; remainingSec: number; packets: number; bytes: number }>>;
}

/**
 * The insights settings' `response.rules` defaults: every rule off until the
 * user turns it on, and none acts until blocking is allowed.
 */
export function defaultBlockRules(): BlockRule[] {
  return [
      { kind: 'amplification', ttlSec: 600, enabled: false },
      { kind: 'udp-flood', ttlSec: 600, enabled: false },
      { kind: 'icmp-flood', ttlSec: 600, enabled: false },
      { kind: 'syn-flood', ttlSec: 600, enabled: false },
      { kind: 'port-scan', ttlSec: 3600, enabled: false },
      { kind: 'brute-force', ttlSec: 3600, enabled: false },
  ];
}

/** A rule's TTL problem, or null. */
export function ruleProblem(r: BlockRule): string | null {
  return Number.isInteger(r.ttlSec) && r.ttlSec >= 1 && r.ttlSec <= BLOCK_MAX_TTL_SEC ? null : `rule ${r.kind}: TTL ${r.ttlSec} is not 1..${BLOCK_MAX_TTL_SEC} seconds`;
}

const NO_CAPTURE = 'blocking needs a live capture (the capture\'s XDP program drops the frames)';

/** Alerts whose 'source' endpoints a rule blocks, at most this many per alert. */
const RULE_SOURCES_PER_ALERT = 16;
/** (alert, source) pairs a rule already answered, remembered at most. */
const RULE_MEMORY = 10_000;

export interface BlockRequest {
  address: string;
  ttlSec?: number;
  reason: string;
  alertId?: string;
  origin: BlockEntry['origin'];
}

interface Kept {
  prefix: Prefix;
  reason: string;
  alertId?: string;
  origin: BlockEntry['origin'];
  createdAt: number;
  ttlSec: number;
  expiresAt: number;
}

export class BlockList {
  /** nothing is blocked until the user allows it (never taken from a file: each run starts off) */
  allowBlocking = false;
  private target: BlockTarget | null = null;
  private owner: BlockTarget | null = null;
  /** why the current capture cannot block, when it has no target */
  private unavailableWhy = NO_CAPTURE;
  iface: string | undefined;
  private readonly entries = new Map<string, Kept>();
  private readonly ruled = new Set<string>();

  constructor(private readonly opts: { now?: () => number; protect?: () => Protected[] } = {}) {}

  private now(): number { return (this.opts.now ?? Date.now)(); }
  private protectedList(): Protected[] { return (this.opts.protect ?? protectedPrefixes)(); }

  /**
   * A live capture began: its helper drops for us (or, with `unavailable`,
   * cannot: egress only, a traced foreign program).
   */
  attach(target: BlockTarget, iface: string, unavailable?: string): void {
    this.target = unavailable ? null : target;
    this.owner = target;
    this.iface = iface;
    this.entries.clear();
    this.ruled.clear();
    this.unavailableWhy = unavailable ?? NO_CAPTURE;
  }

  /** That capture ended: its blocks went with its helper. A capture that is no longer the current one changes nothing. */
  detach(target: BlockTarget): void {
    if (this.owner !== target) return;
    this.owner = this.target = null;
    this.iface = undefined;
    this.entries.clear();
    this.ruled.clear();
    this.unavailableWhy = NO_CAPTURE;
  }

  /** the capture attached (whether or not it can block) */
  get attached(): BlockTarget | null { return this.owner; }

  /** Why nothing can be blocked now, or undefined. */
  get unavailable(): string | undefined {
    if (!this.allowBlocking) return 'blocking is off: turn on "Allow blocking" first';
    return this.target ? undefined : this.unavailableWhy;
  }

  /** Why `address` cannot be blocked now (already blocked included), or null. */
  check(address: string): string | null {
    const p = parsePrefix(address);
    if (p instanceof Error) return p.message;
    const off = this.unavailable ?? protectionOf(p, this.protectedList());
    if (off) return off;
    this.expire();
    for (const e of this.entries.values()) {
      if (overlaps(e.prefix, p) && e.prefix.len <= p.len) return `already blocked (${displayPrefix(e.prefix)}, ${Math.ceil((e.expiresAt - this.now()) / 1000)} s left)`;
    }
    return null;
  }

  async add(req: BlockRequest): Promise<BlockEntry> {
    const p = parsePrefix(req.address);
    if (p instanceof Error) throw new ApiError(`block: ${p.message}`, 'refused');
    const off = this.unavailable;
    if (off) throw new ApiError(`cannot block ${displayPrefix(p)}: ${off}`, 'refused');
    const prot = protectionOf(p, this.protectedList());
    if (prot) throw new ApiError(`cannot block: ${prot}`, 'refused');
    const ttlSec = req.ttlSec ?? BLOCK_DEFAULT_TTL_SEC;
    if (!Number.isInteger(ttlSec) || ttlSec < 1 || ttlSec > BLOCK_MAX_TTL_SEC) throw new ApiError(`block: TTL ${ttlSec} is not 1..${BLOCK_MAX_TTL_SEC} seconds`, 'refused');
    this.expire();
    if (!this.entries.has(p.text) && this.entries.size >= BLOCK_MAX_ENTRIES) throw new ApiError(`block: the list is full (${BLOCK_MAX_ENTRIES} entries)`, 'refused');
    try {
      await this.target!.block(p.text, ttlSec);
    } catch (e) {
      throw new ApiError(`cannot block ${displayPrefix(p)}: ${(e as Error).message.replace(/^block: /, '')}`, 'refused');
    }
    const now = this.now();
    const kept: Kept = { prefix: p, reason: req.reason, origin: req.origin, createdAt: now, ttlSec, expiresAt: now + ttlSec * 1000, ...(req.alertId ? { alertId: req.alertId } : {}) };
    this.entries.set(p.text, kept);
    return this.entry(kept, undefined);
  }

  async remove(prefix: string): Promise<void> {
    const p = parsePrefix(prefix);
    if (p instanceof Error) throw new ApiError(`unblock: ${p.message}`, 'refused');
    this.expire();
    if (!this.entries.has(p.text)) throw new ApiError(`unblock: ${displayPrefix(p)} is not blocked`, 'refused');
    this.entries.delete(p.text);
    // the helper may have expired it a moment ago: gone either way
    await this.target?.unblock(p.text).catch(() => undefined);
  }

  /** Unblock everything (blocking turned off). */
  async clear(): Promise<void> {
    const all = [...this.entries.keys()];
    this.entries.clear();
    for (const k of all) await this.target?.unblock(k).catch(() => undefined);
  }

  /** Entries with the XDP program's counters and the time left, newest first. */
  async list(): Promise<BlockEntry[]> {
    this.expire();
    let counts = new Map<string, { packets: number; bytes: number }>();
    if (this.target && this.entries.size) {
      try {
        // keyed by our canonical text: the helper prints with inet_ntop, which writes some IPv6 forms differently (::198.18.0.1)
        counts = new Map((await this.target.blocks()).map((b) => { const p = parsePrefix(b.prefix); return [p instanceof Error ? b.prefix : p.text, b]; }));
      } catch { /* capture ending: no counters */ }
    }
    return [...this.entries.values()].sort((a, b) => b.createdAt - a.createdAt).map((k) => this.entry(k, counts.get(k.prefix.text)));
  }

  get size(): number { this.expire(); return this.entries.size; }

  /**
   * The enabled rules over the alerts so far: each alert of a rule's kind
   * has its 'source' endpoints blocked once (protected ones are skipped).
   * Returns what was blocked.
   */
  async applyRules(alerts: readonly Alert[], allRules: readonly BlockRule[]): Promise<BlockEntry[]> {
    if (this.unavailable) return [];
    const rules = new Map(allRules.filter((r) => r.enabled && !ruleProblem(r)).map((r) => [r.kind, r]));
    if (!rules.size) return [];
    const made: BlockEntry[] = [];
    for (const a of alerts) {
      const rule = rules.get(a.kind);
      if (!rule) continue;
      for (const ep of a.endpoints.filter((e) => e.role === 'source').slice(0, RULE_SOURCES_PER_ALERT)) {
        const key = `${a.id}|${ep.address}`;
        if (this.ruled.has(key)) continue;
        if (this.ruled.size >= RULE_MEMORY) this.ruled.delete(this.ruled.values().next().value!);
        this.ruled.add(key);
        if (this.check(ep.address)) continue;
        try {
          made.push(await this.add({ address: ep.address, ttlSec: rule.ttlSec, reason: `rule: ${a.kind} — ${a.title}`, alertId: a.id, origin: 'rule' }));
        } catch { /* refused (list full, capture ended): the next alert tries again */ }
      }
    }
    return made;
  }

  /** The helper expires entries itself; here they only leave the list. */
  private expire(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }

  private entry(k: Kept, c: { packets: number; bytes: number } | undefined): BlockEntry {
    return {
      prefix: k.prefix.text,
      display: displayPrefix(k.prefix),
      reason: k.reason,
      ...(k.alertId ? { alertId: k.alertId } : {}),
      origin: k.origin,
      createdAt: k.createdAt,
      ttlSec: k.ttlSec,
      expiresAt: k.expiresAt,
      remainingSec: Math.max(0, Math.ceil((k.expiresAt - this.now()) / 1000)),
      packets: c?.packets ?? 0,
      bytes: c?.bytes ?? 0,
    };
  }
}
