// The application menu as a template (testable without Electron): File,
// Capture, View, Help. Items send a MenuCommand to the renderer.
import type { MenuCommand } from '../api/types';

export interface MenuItemSpec {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu';
  accelerator?: string;
  enabled?: boolean;
  submenu?: MenuItemSpec[];
  click?: () => void;
}

export function buildMenuTemplate(send: (c: MenuCommand) => void, recent: string[], about: () => void): MenuItemSpec[] {
  const cmd = (label: string, command: MenuCommand['command'], accelerator?: string): MenuItemSpec =>
    ({ label, accelerator, click: () => send({ command }) });
  return [
    {
      label: 'File',
      submenu: [
        cmd('Open…', 'open', 'CmdOrCtrl+O'),
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.slice(0, 10).map((p) => ({ label: p, click: () => send({ command: 'openRecent', path: p }) }))
            : [{ label: '(none)', enabled: false }],
        },
        { type: 'separator' },
        cmd('Save', 'save', 'CmdOrCtrl+S'),
        cmd('Save As…', 'saveAs', 'CmdOrCtrl+Shift+S'),
        cmd('Export Specified Packets…', 'export'),
        {
          label: 'Export Packet Dissections',
          submenu: [
            { label: 'As CSV…', click: () => send({ command: 'exportDissections', format: 'csv' }) },
            { label: 'As JSON…', click: () => send({ command: 'exportDissections', format: 'json' }) },
          ],
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: 'Capture',
      submenu: [
        cmd('Interfaces…', 'interfaces'),
        cmd('Start', 'start', 'CmdOrCtrl+E'),
        cmd('Stop', 'stop'),
        cmd('Restart', 'restart', 'CmdOrCtrl+R'),
        cmd('Options…', 'options', 'CmdOrCtrl+K'),
      ],
    },
    { label: 'Analyze', submenu: [cmd('Decode As…', 'decodeAs', 'CmdOrCtrl+Shift+U')] },
    {
      label: 'View',
      submenu: [cmd('Focus Display Filter', 'focusFilter', 'CmdOrCtrl+/'), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { role: 'togglefullscreen' }],
    },
    { label: 'Help', submenu: [{ label: 'About xdpscope', click: about }] },
  ];
}

/** A capture file named on a command line (the first argument that looks like one). */
export function captureArg(argv: readonly string[]): string | null {
  for (const a of argv.slice(1)) {
    if (!a.startsWith('-') && /\.(pcap|pcapng|cap)(\.gz)?$/i.test(a)) return a;
  }
  return null;
}
