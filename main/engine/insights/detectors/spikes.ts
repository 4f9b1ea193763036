// Traffic spikes: packets/s and bytes/s per second, overall and per
// destination, against a rolling robust baseline (median and MAD of the last
// `windowSec` seconds). A second spikes when it exceeds every one of: the
// absolute floor, factor × median, and median + madK·σ̂ (σ̂ = 1.4826·MAD).
// Spiking seconds are kept out of the baseline, so a long flood does not
// become normal; consecutive spiking seconds form one alert, reported once it
// has lasted `minSeconds` (a two-second RPC exchange or a page load is a
// burst, not a spike). A spike is an anomaly, not an attack: its severity
// (alert.ts grade()) rises with magnitude (`magnitudeRatio` × baseline),
// persistence (`persistSec`) and evidence of harm — the target answering
// less than `maxReplyShare` of what it receives (a flood; a download is
// acknowledged) or many sources — and without harm it stays at most low.
import { ensureGeo as ensureGeoExport, type PacketFacts } from '../facts';
import type { Alert, AlertEndpoint } from '../alert';
import { addrEq, fmtBytes, fmtRate, frameRange, grade } from '../alert';
import type { Detector, DetectorDef, Span } from '../detector';
import { CappedSet, LruMap, TopK, medianMad } from '../sketch';
import type { InsightsSettings } from '../../../api/insights';

/** this detector's settings section (its shape is the API's) */
export type SpikeSettings = InsightsSettings['spike'];

export const spikes: DetectorDef<{ spike: SpikeSettings }, 'traffic-spike'> = {
  id: 'traffic-spike',
  kinds: ['traffic-spike'],
  defaults: () => ({
    spike: {
      enabled: true, windowSec: 60, minHistorySec: 10, factor: 5, madK: 6,
      minPacketsPerSec: 100, minBytesPerSec: 1_000_000, manySources: 10, dominantShare: 0.5, maxDestinations: 1024,
      minSeconds: 3, persistSec: 30, magnitudeRatio: 20, maxReplyShare: 0.1,
    },
  }),
  create: ({ settings, maxAlerts }) => new SpikeDetector(settings.spike, maxAlerts),
};

const OVERALL = '*';
// module-level copy: an imported binding called per packet costs an export-getter call
const ensureGeo = ensureGeoExport;
// exact per-source counts for up to this many sources in one spike (Space-Saving beyond)
const TOP_SOURCES = 1024;
const SOURCE_SET_CAP = 4096;

interface SourceCount {
  n: number;
  /** GeoIP country, looked up once per source and second */
  country: string | undefined;
}

interface Second {
  /** unique among all seconds of all keys (the flow cache checks its counters against it) */
  id: number;
  packets: number;
  bytes: number;
  /** packets the key itself sent in this second (its answers, for a destination) */
  sent: number;
  firstFrame: number;
  lastFrame: number;
  /** packets per source (one Map lookup per packet); sources beyond the cap are only counted */
  sources: Map<string, SourceCount>;
  sourcesOverflow: boolean;
}

interface Episode extends Span {
  id: string;
  startSec: number;
  endSec: number;
  sent: number;
  peakPackets: number;
  peakBytes: number;
  byPackets: boolean;
  byBytes: boolean;
  basePk: { median: number; mad: number };
  baseBy: { median: number; mad: number };
  thrPk: number;
  thrBy: number;
  historySec: number;
  sources: TopK;
  distinct: CappedSet<string>;
  countries: Map<string, number>;
  ongoing: boolean;
}

interface KeyState {
  key: string;
  /** second being accumulated (-1 = none) */
  sec: number;
  cur: Second;
  histPk: Float64Array;
  histBy: Float64Array;
  histLen: number;
  histPos: number;
  /** last second that was closed into history or an episode */
  closedSec: number;
  episode: Episode | null;
  firstTs: number;
  lastTs: number;
}

/**
 * What one direction of a flow last counted into (kept in the shared flow
 * cache): the source's counter in the overall second and in its
 * destination's second, valid while those seconds are current (by id: the
 * cache holds no Second, so it keeps no closed second alive).
 */
interface SourceCache {
  overallSec: number;
  overallCount: SourceCount | undefined;
  destSec: number;
  destCount: SourceCount | undefined;
}

function newSecond(id: number): Second {
  return { id, packets: 0, bytes: 0, sent: 0, firstFrame: 0, lastFrame: 0, sources: new Map(), sourcesOverflow: false };
}

export class SpikeDetector implements Detector {
  private readonly overall: KeyState;
  private readonly dests: LruMap<string, KeyState>;
  private readonly touched: KeyState[] = [];
  private clock = -1;
  private startClock = -1;
  private readonly done: Alert[] = [];
  private seq = 0;
  private secIds = 0;

  constructor(private readonly s: SpikeSettings, private readonly maxAlerts: number) {
    this.overall = this.newState(OVERALL);
    this.dests = new LruMap(s.maxDestinations, (_k, st) => { if (st.episode) this.finish(st); });
  }

  private newState(key: string): KeyState {
    const w = Math.max(1, this.s.windowSec);
    return {
      key, sec: -1, cur: newSecond(++this.secIds), histPk: new Float64Array(w), histBy: new Float64Array(w),
      histLen: 0, histPos: 0, closedSec: -1, episode: null, firstTs: NaN, lastTs: NaN,
    };
  }

  add(f: PacketFacts): void {
    if (!this.s.enabled || Number.isNaN(f.ts)) return;
    let sec = Math.floor(f.ts);
    // Late (out-of-order) packets count in the current second: the clock never runs back.
    if (sec < this.clock) sec = this.clock;
    if (sec > this.clock) this.tick(sec);
    if (this.startClock < 0) this.startClock = sec;
    const fl = f.flow;
    let sc: SourceCache | undefined;
    if (fl !== null) {
      sc = (f.flowFwd ? fl.spikeAB : fl.spikeBA) as SourceCache | undefined;
      if (sc === undefined) {
        sc = { overallSec: 0, overallCount: undefined, destSec: 0, destCount: undefined };
        if (f.flowFwd) fl.spikeAB = sc; else fl.spikeBA = sc;
      }
    }
    this.account(this.overall, sec, f);
    if (sc !== undefined) {
      const c = this.overall.cur;
      if (sc.overallSec === c.id && sc.overallCount !== undefined) sc.overallCount.n++;
      else { sc.overallSec = c.id; sc.overallCount = this.countSource(this.overall, c, f); }
    } else this.countSource(this.overall, this.overall.cur, f);
    if (f.src !== undefined) {
      // what a destination answers, in the second it is receiving (a flood's victim answers little)
      const back = this.dests.get(f.src);
      if (back !== undefined && back.sec === sec) back.cur.sent++;
    }
    if (f.dst !== undefined && f.ipVersion) {
      let st = this.dests.get(f.dst);
      if (!st) {
        st = this.newState(f.dst);
        // A destination seen for the first time received nothing so far: its baseline is that silence.
        st.histLen = Math.min(st.histPk.length, sec - this.startClock);
        st.histPos = st.histLen % st.histPk.length;
        st.closedSec = sec - 1;
        this.dests.set(f.dst, st);
      }
      this.account(st, sec, f);
      if (sc !== undefined) {
        const c = st.cur;
        if (sc.destSec === c.id && sc.destCount !== undefined) sc.destCount.n++;
        else { sc.destSec = c.id; sc.destCount = this.countSource(st, c, f); }
      } else this.countSource(st, st.cur, f);
    }
  }

  /** One more packet from f.src in second `c` of `st`: its counter, or undefined once the second's source set is full. */
  private countSource(st: KeyState, c: Second, f: PacketFacts): SourceCount | undefined {
    if (f.src === undefined) return undefined;
    const e = c.sources.get(f.src);
    if (e) { e.n++; return e; }
    if (c.sources.size < (st.key === OVERALL ? SOURCE_SET_CAP : SOURCE_SET_CAP / 4)) {
      ensureGeo(f);
      const n: SourceCount = { n: 1, country: f.srcCountry };
      c.sources.set(f.src, n);
      return n;
    }
    c.sourcesOverflow = true;
    return undefined;
  }

  private account(st: KeyState, sec: number, f: PacketFacts): void {
    if (st.sec !== sec) {
      st.sec = sec;
      this.touched.push(st);
      // recency for eviction, once per destination and second (not per packet)
      if (st.key !== OVERALL) this.dests.touch(st.key);
    }
    const c = st.cur;
    if (c.packets === 0) c.firstFrame = f.frame;
    c.packets++;
    c.bytes += f.len;
    c.lastFrame = f.frame;
    if (Number.isNaN(st.firstTs)) st.firstTs = f.ts;
    st.lastTs = f.ts;
  }

  /** The clock moved to `sec`: close every second that had packets. */
  private tick(sec: number): void {
    for (const st of this.touched) this.close(st);
    this.touched.length = 0;
    this.clock = sec;
  }

  private pushHistory(st: KeyState, pk: number, by: number): void {
    const w = st.histPk.length;
    st.histPk[st.histPos] = pk;
    st.histBy[st.histPos] = by;
    st.histPos = (st.histPos + 1) % w;
    if (st.histLen < w) st.histLen++;
  }

  private close(st: KeyState): void {
    const sec = st.sec;
    // Seconds without packets are part of the baseline too.
    if (st.closedSec >= 0) {
      const gap = Math.min(sec - st.closedSec - 1, st.histPk.length);
      if (gap > 0 && st.episode) this.finish(st);
      for (let i = 0; i < gap; i++) this.pushHistory(st, 0, 0);
    }
    const c = st.cur;
    const s = this.s;
    let spikePk = false, spikeBy = false;
    let basePk = { median: 0, mad: 0 }, baseBy = { median: 0, mad: 0 }, thrPk = 0, thrBy = 0;
    if (st.histLen >= s.minHistorySec && (c.packets > s.minPacketsPerSec || c.bytes > s.minBytesPerSec)) {
      basePk = medianMad(st.histPk, st.histLen);
      baseBy = medianMad(st.histBy, st.histLen);
      thrPk = Math.max(s.minPacketsPerSec, s.factor * basePk.median, basePk.median + s.madK * 1.4826 * basePk.mad);
      thrBy = Math.max(s.minBytesPerSec, s.factor * baseBy.median, baseBy.median + s.madK * 1.4826 * baseBy.mad);
      spikePk = c.packets > thrPk;
      spikeBy = c.bytes > thrBy;
    }
    if (spikePk || spikeBy) {
      let e = st.episode;
      if (!e) {
        e = st.episode = {
          id: `traffic-spike:${st.key}:${++this.seq}`, startSec: sec, endSec: sec, firstTs: sec, lastTs: sec,
          firstFrame: c.firstFrame, lastFrame: c.lastFrame, packets: 0, bytes: 0, sent: 0, peakPackets: 0, peakBytes: 0,
          byPackets: false, byBytes: false, basePk, baseBy, thrPk, thrBy, historySec: st.histLen,
          sources: new TopK(TOP_SOURCES), distinct: new CappedSet(SOURCE_SET_CAP), countries: new Map(), ongoing: true,
        };
      }
      e.endSec = sec;
      e.lastTs = st.lastTs;
      if (e.packets === 0) e.firstTs = Math.max(sec, Math.min(e.firstTs, st.lastTs));
      e.lastFrame = c.lastFrame;
      e.packets += c.packets;
      e.bytes += c.bytes;
      e.sent += c.sent;
      e.peakPackets = Math.max(e.peakPackets, c.packets);
      e.peakBytes = Math.max(e.peakBytes, c.bytes);
      e.byPackets ||= spikePk;
      e.byBytes ||= spikeBy;
      // countries count distinct sources, not packets
      for (const [src, sc] of c.sources) {
        e.sources.add(src, sc.n);
        if (e.distinct.has(src)) continue;
        e.distinct.add(src);
        if (sc.country) e.countries.set(sc.country, (e.countries.get(sc.country) ?? 0) + 1);
      }
      if (c.sourcesOverflow) e.distinct.saturated = true;
    } else {
      if (st.episode) this.finish(st);
      this.pushHistory(st, c.packets, c.bytes);
    }
    st.closedSec = sec;
    st.cur = newSecond(++this.secIds);
  }

  private finish(st: KeyState): void {
    const e = st.episode;
    if (!e) return;
    e.ongoing = false;
    st.episode = null;
    if (this.done.length < this.maxAlerts && this.lasted(e)) this.done.push(this.toAlert(st.key, e));
  }

  /** Long enough to be a spike rather than a burst. */
  private lasted(e: Episode): boolean {
    return e.endSec - e.startSec + 1 >= this.s.minSeconds;
  }

  private toAlert(key: string, e: Episode): Alert {
    const s = this.s;
    const secs = e.endSec - e.startSec + 1;
    const rate = e.packets / secs;
    const top = e.sources.top(5);
    const topShare = top.length ? top[0].count / e.packets : 0;
    const distinct = e.distinct.size;
    const shape = distinct >= s.manySources && topShare < s.dominantShare
      ? 'distributed'
      : topShare >= s.dominantShare ? 'single-source' : 'few-sources';
    const ratio = e.basePk.median > 0 ? e.peakPackets / e.basePk.median : Infinity;
    const topCountries = [...e.countries].sort((a, b) => b[1] - a[1]).slice(0, 5);
    const what = key === OVERALL ? 'all traffic' : `inbound to ${key}`;
    // overall, "answers" mean nothing: only many sources count as harm there
    const replyShare = key === OVERALL ? NaN : e.sent / Math.max(1, e.packets);
    const oneWay = replyShare < s.maxReplyShare;
    const magnitude = e.basePk.median > 0 ? ratio >= s.magnitudeRatio : e.peakPackets >= s.magnitudeRatio * s.minPacketsPerSec;
    const severity = grade('info', { magnitude, persistence: secs >= s.persistSec, harm: shape === 'distributed' || oneWay });
    const parts = [
      `${what}: ${fmtRate(rate)} packets/s over ${secs} s (peak ${e.peakPackets}/s) vs baseline median ${fmtRate(e.basePk.median)}/s` +
        (Number.isFinite(ratio) ? ` (${ratio.toFixed(1)}× baseline)` : ''),
      `${fmtBytes(e.peakBytes)}/s peak vs ${fmtBytes(e.baseBy.median)}/s baseline`,
      `from ${e.distinct.label()} source${distinct === 1 ? '' : 's'} (${shape === 'distributed' ? 'many sources: DDoS-like' : shape === 'single-source' ? `one heavy source: ${top[0].key} sent ${Math.round(topShare * 100)}%` : 'a few sources'})`,
    ];
    // once the sketch saturated, counts are guaranteed minimums
    const ge = e.sources.saturated ? '≥' : '';
    if (top.length) parts.push(`top sources ${top.map((t) => `${t.key} (${ge}${t.count})`).join(', ')}`);
    if (topCountries.length) parts.push(`top countries by sources ${topCountries.map(([c, n]) => `${c} (${n})`).join(', ')}`);
    if (key !== OVERALL) parts.push(`${key} answered ${e.sent} packets (${Math.round(replyShare * 100)}% of what it received${oneWay ? ': one-way, flood-like' : ''})`);
    const endpoints: AlertEndpoint[] = top.map((t) => ({ role: 'source', address: t.key, packets: t.count }));
    if (key !== OVERALL) endpoints.unshift({ role: 'target', address: key, packets: e.packets });
    const range = frameRange(e.firstFrame, e.lastFrame);
    return {
      id: e.id,
      kind: 'traffic-spike',
      severity,
      title: key === OVERALL
        ? `Traffic spike: ${e.peakPackets} packets/s overall`
        : `Traffic spike to ${key} (${shape === 'distributed' ? 'from many sources' : shape === 'single-source' ? `from ${top[0].key}` : 'from a few sources'})`,
      detail: parts.join('; '),
      firstTs: e.startSec, lastTs: e.endSec + 1, firstFrame: e.firstFrame, lastFrame: e.lastFrame,
      endpoints,
      metrics: {
        seconds: secs, packets: e.packets, bytes: e.bytes, peakPacketsPerSec: e.peakPackets, peakBytesPerSec: e.peakBytes,
        baselinePacketsPerSec: e.basePk.median, baselineBytesPerSec: e.baseBy.median, ratio: Number.isFinite(ratio) ? +ratio.toFixed(2) : 'inf',
        distinctSources: distinct, sourcesSaturated: String(e.distinct.saturated), topSourceShare: +topShare.toFixed(3), shape,
        topCountries: topCountries.map(([c, n]) => `${c}:${n}`).join(','),
        ...(key !== OVERALL ? { repliedPackets: e.sent, replyShare: +replyShare.toFixed(3) } : {}),
      },
      thresholds: [
        ...(e.byPackets ? [{ metric: `packets/s ${what}`, observed: e.peakPackets, threshold: +e.thrPk.toFixed(2), baseline: { ...e.basePk, windowSec: e.historySec }, setting: 'spike.factor, spike.madK, spike.minPacketsPerSec' }] : []),
        ...(e.byBytes ? [{ metric: `bytes/s ${what}`, observed: e.peakBytes, threshold: +e.thrBy.toFixed(0), baseline: { ...e.baseBy, windowSec: e.historySec }, setting: 'spike.factor, spike.madK, spike.minBytesPerSec' }] : []),
      ],
      filter: key === OVERALL ? range : `${addrEq('dst', key)} && ${range}`,
      packets: e.packets,
      bytes: e.bytes,
      ongoing: e.ongoing,
    };
  }

  /** Closed spikes plus those still going on (live). A spike overall that one destination's spike explains is left out. */
  alerts(): Alert[] {
    const live: Alert[] = [];
    if (this.overall.episode && this.lasted(this.overall.episode)) live.push(this.toAlert(OVERALL, this.overall.episode));
    for (const st of this.dests.map.values()) if (st.episode && this.lasted(st.episode)) live.push(this.toAlert(st.key, st.episode));
    const all = this.done.concat(live);
    const perDest = all.filter((a) => a.endpoints[0]?.role === 'target');
    return all.filter((a) => {
      if (a.endpoints[0]?.role === 'target') return true;
      // Overall spikes are kept only when no destination spike accounts for most of them.
      const explained = perDest.filter((d) => d.firstFrame <= a.lastFrame && d.lastFrame >= a.firstFrame).reduce((n, d) => n + d.packets, 0);
      return explained < a.packets / 2;
    });
  }

  /** End of input: close the second in progress and every open spike. */
  flush(): void {
    this.tick(this.clock + 1);
    if (this.overall.episode) this.finish(this.overall);
    for (const st of this.dests.map.values()) if (st.episode) this.finish(st);
  }
}
