// `xdpscope block`: list, add and remove blocked sources of a running
// capture — the app, `xdpscope serve` or `xdpscope capture --allow-blocking`
// — through its control socket (main/engine/block/control.ts). The blocks
// live in that capture's helper and end with it.
import { commandFail, parseOptions } from '../args';
import { controlRequest, runningCaptures, type ControlResponse, type RunningCapture } from '../../engine/index';

const USAGE = `Usage: xdpscope block ADDR[/LEN] [--ttl SECS] [--reason TEXT] [-i IFACE]
       xdpscope block --list [-i IFACE] [--json]
       xdpscope block --remove ADDR[/LEN] [-i IFACE]

Drops the frames a running capture receives from ADDR (or the network
ADDR/LEN) in its XDP program, for --ttl seconds (default 600, at most
604800). Blocked frames are still counted and captured, marked
xdp.action == 1 (XDP_DROP). The capture must allow blocking: 'xdpscope
capture --allow-blocking', or "Allow blocking" in the app. This host's
addresses, loopback, link-local, multicast and the default gateways are
never blocked. Every block ends with its capture (stop, crash or kill -9).

Options:
  -i, --interface IFACE  the capture on IFACE, when several run
  -l, --list             list the blocks of every running capture
  -r, --remove ADDR      unblock ADDR (as listed)
  -t, --ttl SECS         time to live (default 600)
      --reason TEXT      why, shown in the list (default: blocked from the command line)
      --json             --list as JSON
  -h, --help             show this help`;

const fail = commandFail('block', 1);

function fmtDuration(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions({
      args: argv, strict: true, allowPositionals: true,
      options: {
        interface: { type: 'string', short: 'i' },
        list: { type: 'boolean', short: 'l' },
        remove: { type: 'string', short: 'r' },
        ttl: { type: 'string', short: 't' },
        reason: { type: 'string' },
        json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'string') return fail(`${parsed}\n\n${USAGE}`, 2);
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(USAGE + '\n'); return 0; }
  const actions = [values.list, values.remove !== undefined, positionals.length > 0].filter(Boolean).length;
  if (actions !== 1 || positionals.length > 1) return fail(`give one of ADDR, --list or --remove ADDR\n\n${USAGE}`, 2);
  let ttl: number | undefined;
  if (values.ttl !== undefined) {
    if (!/^\d+$/.test(values.ttl) || Number(values.ttl) < 1 || Number(values.ttl) > 604_800) return fail(`--ttl: '${values.ttl}' is not a number of seconds in 1..604800`, 2);
    ttl = Number(values.ttl);
  }

  let caps = runningCaptures();
  if (values.interface) caps = caps.filter((c) => c.iface === values.interface);
  if (!caps.length) {
    return fail(`no running capture${values.interface ? ` on '${values.interface}'` : ''} to block with: start one with ` +
      `'xdpscope capture -i IFACE --allow-blocking', or capture in the app or 'xdpscope serve' and turn on "Allow blocking"`);
  }

  if (values.list) {
    const rows: Array<{ cap: RunningCapture; r: ControlResponse }> = [];
    for (const cap of caps) {
      try { rows.push({ cap, r: await controlRequest(cap.path, { op: 'list' }) }); } catch (e) { rows.push({ cap, r: { ok: false, error: (e as Error).message } }); }
    }
    if (values.json) {
      process.stdout.write(JSON.stringify(rows.map(({ cap, r }) => ({ iface: cap.iface, pid: cap.pid, ...r })), null, 1) + '\n');
      return rows.some((x) => !x.r.ok) ? 1 : 0;
    }
    let bad = 0;
    for (const { cap, r } of rows) {
      if (!r.ok) { bad++; process.stderr.write(`xdpscope block: ${cap.iface} (pid ${cap.pid}): ${r.error}\n`); continue; }
      const state = r.unavailable ? ` — ${r.unavailable}` : '';
      process.stdout.write(`${cap.iface} (pid ${cap.pid}): ${r.entries.length} blocked${state}\n`);
      for (const e of r.entries) {
        process.stdout.write(`  ${e.display.padEnd(20)} ${fmtDuration(e.remainingSec).padStart(7)} left  ${String(e.packets).padStart(8)} dropped  ` +
          `${e.origin.padEnd(4)}  ${new Date(e.createdAt).toISOString()}  ${e.reason}\n`);
      }
    }
    return bad ? 1 : 0;
  }

  if (caps.length > 1) {
    return fail(`several captures are running (${caps.map((c) => `${c.iface}, pid ${c.pid}`).join('; ')}): choose one with -i IFACE`);
  }
  const cap = caps[0];
  let r: ControlResponse;
  try {
    r = values.remove !== undefined
      ? await controlRequest(cap.path, { op: 'remove', prefix: values.remove })
      : await controlRequest(cap.path, { op: 'add', address: positionals[0], ...(ttl ? { ttlSec: ttl } : {}), ...(values.reason ? { reason: values.reason } : {}) });
  } catch (e) {
    return fail((e as Error).message);
  }
  if (!r.ok) return fail(r.error);
  if (r.added) process.stdout.write(`blocked ${r.added.display} on ${cap.iface} for ${fmtDuration(r.added.ttlSec)}\n`);
  else process.stdout.write(`unblocked ${values.remove} on ${cap.iface}\n`);
  return 0;
}
