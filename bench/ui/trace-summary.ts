// Where a Chrome performance trace spent its time: self time (an event's
// duration minus its nested children's) per event name on the page's main
// thread, plus busy time per other thread (compositor, raster workers, the
// GPU/viz process doing software compositing). Enough to tell script from
// style/layout from paint/raster without opening DevTools.

export interface TraceEvent {
  name: string; ph: string; pid: number; tid: number; ts: number; dur?: number;
  args?: { name?: string };
}

interface Span { name: string; start: number; end: number; child: number }

/** Self time per event name for one thread's complete ('X') and B/E events. */
function selfTimes(events: TraceEvent[]): { self: Map<string, number>; busy: number } {
  const spans: Span[] = [];
  const open: TraceEvent[] = [];
  for (const e of events) {
    if (e.ph === 'X' && e.dur != null) spans.push({ name: e.name, start: e.ts, end: e.ts + e.dur, child: 0 });
    else if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      if (b) spans.push({ name: b.name, start: b.ts, end: e.ts, child: 0 });
    }
  }
  // Outer spans first when two start together, so nesting follows start order.
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const self = new Map<string, number>();
  const stack: Span[] = [];
  let busy = 0;
  const close = (s: Span) => self.set(s.name, (self.get(s.name) ?? 0) + Math.max(0, s.end - s.start - s.child));
  for (const s of spans) {
    while (stack.length && stack[stack.length - 1].end <= s.start) close(stack.pop()!);
    const parent = stack[stack.length - 1];
    if (parent) parent.child += Math.min(s.end, parent.end) - s.start;
    else busy += s.end - s.start;
    stack.push(s);
  }
  while (stack.length) close(stack.pop()!);
  return { self, busy };
}

const ms = (us: number) => (us / 1000).toFixed(0).padStart(6);

export function summariseTrace(events: TraceEvent[], top = 14): string {
  const names = new Map<string, string>(); // "pid:tid" → thread name
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph === 'M' && e.name === 'thread_name') names.set(key, e.args?.name ?? '?');
    else if (e.ph === 'X' || e.ph === 'B' || e.ph === 'E') {
      let l = byThread.get(key);
      if (!l) byThread.set(key, (l = []));
      l.push(e);
    }
  }
  // The page's main thread: the renderer main thread with the most events.
  let main = '';
  for (const [k, l] of byThread) {
    if (names.get(k) === 'CrRendererMain' && (!main || l.length > byThread.get(main)!.length)) main = k;
  }
  let first = Infinity, last = -Infinity;
  for (const l of byThread.values()) for (const e of l) { first = Math.min(first, e.ts); last = Math.max(last, e.ts + (e.dur ?? 0)); }
  const span = last > first ? last - first : 0;
  const out: string[] = [`trace: ${ms(span).trim()} ms recorded`];
  if (main) {
    const { self, busy } = selfTimes(byThread.get(main)!);
    out.push(`  main thread busy ${ms(busy).trim()} ms; self time by event:`);
    for (const [n, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`    ${ms(t)} ms  ${n}`);
  }
  const others = new Map<string, number>();
  for (const [k, l] of byThread) {
    if (k === main) continue;
    const n = (names.get(k) ?? 'thread').replace(/\d+$/, '');
    others.set(n, (others.get(n) ?? 0) + selfTimes(l).busy);
  }
  out.push('  other threads busy:');
  for (const [n, t] of [...others].sort((a, b) => b[1] - a[1]).slice(0, 8)) out.push(`    ${ms(t)} ms  ${n}`);
  return out.join('\n');
}

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }>;
  samples: number[]; timeDeltas: number[]; startTime: number; endTime: number;
}

/** Bottom-up self time per function from a V8 CPU profile (Profiler.stop). */
export function summariseProfile(p: CpuProfile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    if (!n) continue;
    const f = n.callFrame;
    const file = f.url.split('/').pop() ?? '';
    const key = `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const out = [`cpu profile: ${ms(p.endTime - p.startTime).trim()} ms, self time by function:`];
  for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${ms(t)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
  return out.join('\n');
}
