// `xdpscope interfaces`: the capture interfaces, as a table or JSON.
import { commandFail, parseOptions } from '../args';
import { listInterfaces, type HostInterface } from '../../engine/index';

const USAGE = `Usage: xdpscope interfaces [--json]

Lists network interfaces: name, index, state, MTU, driver, MAC, addresses,
and any XDP program already attached (which blocks capturing there).

Options:
  --json      print the list as JSON
  -h, --help  show this help`;

const fail = commandFail('interfaces', 1);

function row(i: HostInterface): string[] {
  const state = i.up ? (i.running ? 'up' : 'up, no carrier') : 'down';
  const xdp = i.xdp ? `${i.xdp.mode} id ${i.xdp.id}${i.xdp.name ? ` (${i.xdp.name})` : ''}` : '-';
  const addrs = i.addresses.map((a) => `${a.address}/${a.prefixlen}`).join(' ') || '-';
  return [String(i.index), i.name, state, String(i.mtu), i.driver ?? '-', i.mac ?? '-', xdp, addrs];
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (typeof parsed === 'string') return fail(parsed, 2);
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  let list: HostInterface[];
  try {
    list = await listInterfaces();
  } catch (e) {
    return fail((e as Error).message, 1);
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  const rows = [['#', 'NAME', 'STATE', 'MTU', 'DRIVER', 'MAC', 'XDP', 'ADDRESSES'], ...list.map(row)];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) {
    process.stdout.write(r.map((v, c) => (c === r.length - 1 ? v : v.padEnd(widths[c]))).join('  ') + '\n');
  }
  return 0;
}
