// The I/O graph (uPlot): packets per interval and bits/s, one extra line per
// display-filter series, alert time ranges shaded on the timeline.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AlertMarker, IoGraphData } from '../../main/api/insights';
import type { AlertSeverity } from '../../main/api/insights';

export interface IoGraphProps {
  io: IoGraphData & { markers?: AlertMarker[] };
  width?: number;
  height?: number;
  /** click on the plot: seconds since the first packet (the UI can jump to that packet) */
  onSelectTime?: (relSec: number) => void;
  /** click inside an alert marker */
  onSelectMarker?: (marker: AlertMarker) => void;
}

const SEV_FILL: Record<AlertSeverity, string> = {
  high: 'rgba(201,51,51,0.18)', medium: 'rgba(230,140,20,0.18)', low: 'rgba(39,100,197,0.12)', info: 'rgba(120,120,120,0.10)',
};
const COLORS = ['#2764c5', '#c93333', '#3a9a3a', '#a05cc8', '#d08a00', '#008c8c'];

export function IoGraph({ io, width = 800, height = 260, onSelectTime, onSelectMarker }: IoGraphProps) {
  const host = useRef<HTMLDivElement>(null);
  const cbs = useRef({ onSelectTime, onSelectMarker });
  cbs.current = { onSelectTime, onSelectMarker };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const markers = io.markers ?? [];
    const data: uPlot.AlignedData = [io.time, io.packets, io.bitsPerSec, ...io.series.map((s) => s.packets)];
    const opts: uPlot.Options = {
      width, height,
      scales: { x: { time: false }, pk: {}, bits: {} },
      axes: [
        { label: 'seconds since first packet' },
        { scale: 'pk', label: `packets / ${io.intervalSec} s` },
        { scale: 'bits', side: 1, label: 'bits/s', grid: { show: false } },
      ],
      series: [
        {},
        { label: 'packets', scale: 'pk', stroke: COLORS[0], width: 1.5 },
        { label: 'bits/s', scale: 'bits', stroke: '#888', width: 1, dash: [4, 3] },
        ...io.series.map((s, i) => ({ label: s.name, scale: 'pk', stroke: COLORS[(i + 1) % COLORS.length], width: 1.5 })),
      ],
      hooks: {
        // alert time ranges drawn as bands behind the series
        drawClear: [(u: uPlot) => {
          const { ctx, bbox } = u;
          ctx.save();
          for (const m of markers) {
            const x0 = u.valToPos(m.start, 'x', true);
            const x1 = Math.max(u.valToPos(m.end, 'x', true), x0 + 2);
            ctx.fillStyle = SEV_FILL[m.severity];
            ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
          }
          ctx.restore();
        }],
      },
    };
    const plot = new uPlot(opts, data, el);
    const over = plot.over;
    const click = () => {
      const idx = plot.cursor.left;
      if (idx === undefined || idx < 0) return;
      const t = plot.posToVal(idx, 'x');
      const m = markers.find((mk) => t >= mk.start && t <= Math.max(mk.end, mk.start + io.intervalSec));
      if (m && cbs.current.onSelectMarker) cbs.current.onSelectMarker(m);
      else cbs.current.onSelectTime?.(t);
    };
    over.addEventListener('click', click);
    return () => { over.removeEventListener('click', click); plot.destroy(); };
  }, [io, width, height]);

  return <div className="xi-iograph" ref={host} data-points={io.time.length} />;
}
