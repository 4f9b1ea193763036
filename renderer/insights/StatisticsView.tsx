// Statistics views like Wireshark's Statistics menu: Conversations,
// Endpoints, Protocol Hierarchy, HTTP, AI service use, and the local
// Processes behind the packets (live attribution). Plain sortable
// tables; double-click a row to apply it as a display filter.
import { useMemo, useState } from 'react';
import type { ConvType, EndpointType, HierarchyNode } from '../../main/api/insights';
import type { InsightsStats } from '../../main/api/insights';
import { conversationFilter, endpointFilter } from './filters';

export interface StatisticsViewProps {
  stats: InsightsStats;
  /** called with a display filter for the row the user double-clicked */
  onApplyFilter?: (filter: string) => void;
  /** which view to show first */
  initialTab?: StatsTab;
}

export type StatsTab = 'conversations' | 'endpoints' | 'hierarchy' | 'http' | 'ai' | 'processes';

type Cell = string | number;
interface Column { key: string; label: string; numeric?: boolean }

export function SortableTable({ columns, rows, onRowActivate, label }: { columns: Column[]; rows: Array<Record<string, Cell>>; onRowActivate?: (i: number) => void; label: string }) {
  const [sort, setSort] = useState<{ key: string; desc: boolean } | null>(null);
  const order = useMemo(() => {
    const idx = rows.map((_, i) => i);
    if (!sort) return idx;
    return idx.sort((a, b) => {
      const x = rows[a][sort.key], y = rows[b][sort.key];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
      return sort.desc ? -c : c;
    });
  }, [rows, sort]);
  return (
    <table className="xi-table" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} className={c.numeric ? 'num' : ''} onClick={() => setSort({ key: c.key, desc: sort?.key === c.key ? !sort.desc : !!c.numeric })}>
              {c.label}{sort?.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {order.map((i) => (
          <tr key={i} onDoubleClick={() => onRowActivate?.(i)}>
            {columns.map((c) => <td key={c.key} className={c.numeric ? 'num' : ''}>{rows[i][c.key] ?? ''}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const n = (k: string, label: string): Column => ({ key: k, label, numeric: true });
const s = (k: string, label: string): Column => ({ key: k, label });

function Hierarchy({ nodes, total }: { nodes: HierarchyNode[]; total: { frames: number; bytes: number } }) {
  const rows: Array<{ depth: number; node: HierarchyNode }> = [];
  const walk = (ns: HierarchyNode[], depth: number) => ns.forEach((node) => { rows.push({ depth, node }); walk(node.children, depth + 1); });
  walk(nodes, 0);
  return (
    <table className="xi-table" aria-label="Protocol hierarchy">
      <thead><tr><th>Protocol</th><th className="num">% Frames</th><th className="num">Frames</th><th className="num">% Bytes</th><th className="num">Bytes</th></tr></thead>
      <tbody>
        {rows.map(({ depth, node }, i) => (
          <tr key={i}>
            <td style={{ paddingLeft: 6 + depth * 14 }}>{node.protocol}</td>
            <td className="num">{total.frames ? ((100 * node.frames) / total.frames).toFixed(1) : '0'}</td>
            <td className="num">{node.frames}</td>
            <td className="num">{total.bytes ? ((100 * node.bytes) / total.bytes).toFixed(1) : '0'}</td>
            <td className="num">{node.bytes}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatisticsView({ stats, onApplyFilter, initialTab = 'conversations' }: StatisticsViewProps) {
  const [tab, setTab] = useState<StatsTab>(initialTab);
  const [convType, setConvType] = useState<ConvType>('tcp');
  const [epType, setEpType] = useState<EndpointType>('ipv4');
  const conv = stats.conversations[convType];
  const eps = stats.endpoints[epType];
  const ported = convType === 'tcp' || convType === 'udp';
  const tabs: Array<[StatsTab, string]> = [['conversations', 'Conversations'], ['endpoints', 'Endpoints'], ['hierarchy', 'Protocol Hierarchy'], ['http', 'HTTP'], ['ai', 'AI services'], ['processes', 'Processes']];
  // sessions saved before attribution have no table
  const procs = stats.processes ?? [];
  return (
    <div className="xi-stats">
      <div className="xi-tabs" role="tablist">
        {tabs.map(([k, label]) => <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? 'primary' : ''} onClick={() => setTab(k)}>{label}</button>)}
        <span className="muted small">{stats.summary.packets} packets · {stats.summary.durationSec.toFixed(3)} s</span>
      </div>
      {tab === 'conversations' && (
        <>
          <div className="xi-subtabs">
            {(['eth', 'ipv4', 'ipv6', 'tcp', 'udp'] as ConvType[]).map((t) => (
              <button key={t} type="button" className={convType === t ? 'primary' : ''} onClick={() => setConvType(t)}>{t.toUpperCase()} · {stats.conversations[t].length}</button>
            ))}
          </div>
          <SortableTable
            label={`${convType} conversations`}
            columns={[s('a', 'Address A'), ...(ported ? [n('portA', 'Port A')] : []), s('b', 'Address B'), ...(ported ? [n('portB', 'Port B')] : []),
              n('packets', 'Packets'), n('bytes', 'Bytes'), n('packetsAtoB', 'Packets A→B'), n('bytesAtoB', 'Bytes A→B'), n('packetsBtoA', 'Packets B→A'), n('bytesBtoA', 'Bytes B→A'),
              n('relStart', 'Rel Start'), n('duration', 'Duration'), s('countryA', 'Country A'), s('countryB', 'Country B'), s('asnA', 'ASN A'), s('asnB', 'ASN B')]}
            rows={conv.map((c) => ({ ...c, asnA: c.asnA ?? '', asnB: c.asnB ?? '', countryA: c.countryA ?? '', countryB: c.countryB ?? '' } as unknown as Record<string, Cell>))}
            onRowActivate={(i) => onApplyFilter?.(conversationFilter(convType, conv[i]))}
          />
        </>
      )}
      {tab === 'endpoints' && (
        <>
          <div className="xi-subtabs">
            {(['eth', 'ipv4', 'ipv6'] as EndpointType[]).map((t) => (
              <button key={t} type="button" className={epType === t ? 'primary' : ''} onClick={() => setEpType(t)}>{t.toUpperCase()} · {stats.endpoints[t].length}</button>
            ))}
          </div>
          <SortableTable
            label={`${epType} endpoints`}
            columns={[s('address', 'Address'), n('packets', 'Packets'), n('bytes', 'Bytes'), n('txPackets', 'Tx Packets'), n('txBytes', 'Tx Bytes'), n('rxPackets', 'Rx Packets'), n('rxBytes', 'Rx Bytes'), n('relStart', 'Rel Start'), n('duration', 'Duration'), s('country', 'Country'), s('asn', 'ASN'), s('users', 'Users')]}
            rows={eps.map((e) => ({ ...e, country: e.country ?? '', asn: e.asn ?? '', users: e.users?.join(', ') ?? '' } as unknown as Record<string, Cell>))}
            onRowActivate={(i) => onApplyFilter?.(endpointFilter(epType, eps[i].address))}
          />
        </>
      )}
      {tab === 'hierarchy' && <Hierarchy nodes={stats.hierarchy} total={{ frames: stats.summary.packets, bytes: stats.summary.bytes }} />}
      {tab === 'http' && (
        <div className="xi-http">
          <div className="muted">{stats.http.requests} requests, {stats.http.responses} responses</div>
          <SortableTable label="HTTP requests by host" columns={[s('key', 'Host'), n('count', 'Requests')]} rows={stats.http.byHost}
            onRowActivate={(i) => onApplyFilter?.(`http.host == "${stats.http.byHost[i].key}"`)} />
          <SortableTable label="HTTP requests by User-Agent family" columns={[s('key', 'User-Agent family'), n('count', 'Requests')]} rows={stats.http.byUserAgentFamily} />
          <SortableTable label="HTTP responses by status" columns={[s('key', 'Status'), n('count', 'Responses')]} rows={stats.http.byStatus}
            onRowActivate={(i) => onApplyFilter?.(`http.response.code == ${stats.http.byStatus[i].key}`)} />
        </div>
      )}
      {tab === 'processes' && (
        <div className="xi-processes">
          <div className="muted">
            {procs.length ? `${procs.length} local process${procs.length === 1 ? '' : 'es'}; ${stats.unattributed ?? 0} packets without one`
              : 'No packet names a local process (a live capture with attribution, or a file that kept it, does).'}
          </div>
          <SortableTable
            label="Processes"
            columns={[n('pid', 'PID'), s('name', 'Process'), s('user', 'User'), s('container', 'Container'), n('packets', 'Packets'), n('bytes', 'Bytes'),
              n('txBytes', 'Bytes sent'), n('rxBytes', 'Bytes received'), n('remoteCount', 'Remotes'), s('remotes', 'Remote endpoints'), s('services', 'Services'), s('cmdline', 'Command line'), s('exepath', 'Executable')]}
            rows={procs.map((p) => ({
              pid: p.pid, name: p.name, user: p.user || String(p.uid), container: p.container, packets: p.packets, bytes: p.bytes, txBytes: p.txBytes, rxBytes: p.rxBytes,
              remoteCount: p.remotes.length, remotes: p.remotes.slice(0, 8).join(', ') + (p.remotes.length > 8 || p.remotesSaturated ? ', …' : ''),
              services: p.services.join(', '), cmdline: p.cmdline, exepath: p.exepath,
            }))}
            onRowActivate={(i) => onApplyFilter?.(procs[i].filter)}
          />
        </div>
      )}
      {tab === 'ai' && (
        <SortableTable
          label="AI service use by host"
          columns={[s('host', 'Host'), s('service', 'Service'), n('connections', 'Connections'), n('bytesSent', 'Bytes sent'), n('bytesReceived', 'Bytes received'), s('names', 'Names'),
            n('calls', 'LLM calls'), s('models', 'Models'), n('inputTokens', 'Input tokens'), n('outputTokens', 'Output tokens')]}
          rows={stats.ai.flatMap((h) => h.services.map((v) => ({
            host: h.host, service: v.service, connections: v.connections, bytesSent: v.bytesSent, bytesReceived: v.bytesReceived, names: v.names.join(', '),
            calls: (v.models ?? []).reduce((a, m) => a + m.calls, 0), models: (v.models ?? []).map((m) => m.model).join(', '),
            inputTokens: (v.models ?? []).reduce((a, m) => a + m.inputTokens, 0), outputTokens: (v.models ?? []).reduce((a, m) => a + m.outputTokens, 0),
          })))}
        />
      )}
    </div>
  );
}
