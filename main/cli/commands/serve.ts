// `xdpscope serve [--port N] [--open] [FILE]`: the inspector UI for a
// browser, on 127.0.0.1 with a random token in the URL. The engine runs in a
// worker thread; FILE (if given) is opened at start.
import { parseArgs } from 'node:util';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EngineClient } from '../../engine/index';
import { startUiServer } from '../../server/server';

const USAGE = `Usage: xdpscope serve [--port N] [--open] [FILE]

Serves the inspector UI on http://127.0.0.1:PORT/?token=... (prints the URL).
  --port N   port to listen on (default: any free port)
  --open     open the URL in a browser when one is installed
  FILE       a pcap/pcapng capture to open at start
`;

function findBrowser(): string | null {
  for (const b of ['xdg-open', 'chromium', 'chromium-browser', 'google-chrome', 'firefox']) {
    try { execFileSync('sh', ['-c', `command -v ${b}`], { stdio: 'ignore' }); return b; } catch { /* next */ }
  }
  return null;
}

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: {
      port: { type: 'string' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (e) {
    process.stderr.write(`xdpscope serve: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.values.help) { process.stdout.write(USAGE); return 0; }
  const port = args.values.port === undefined ? 0 : Number(args.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`xdpscope serve: --port must be 0..65535, got ${args.values.port}\n`);
    return 2;
  }
  if (args.positionals.length > 1) {
    process.stderr.write(`xdpscope serve: one capture file at most, got ${args.positionals.length}\n`);
    return 2;
  }
  const file = args.positionals[0] ? resolve(args.positionals[0]) : null;
  if (file && !existsSync(file)) {
    process.stderr.write(`xdpscope serve: ${file}: no such file\n`);
    return 1;
  }
  const staticDir = join(__dirname, '..', '..', '..', 'renderer');
  if (!existsSync(join(staticDir, 'index.html')) || !existsSync(join(staticDir, 'app.js'))) {
    process.stderr.write(`xdpscope serve: renderer not built (${staticDir}); run 'npm run build'\n`);
    return 1;
  }
  const engine = new EngineClient();
  let server;
  try {
    server = await startUiServer({ engine, port, staticDir });
  } catch (e) {
    await engine.close();
    process.stderr.write(`xdpscope serve: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}\n`);
    return 1;
  }
  if (file) {
    try { await engine.call('openFile', { path: file }); } catch (e) {
      process.stderr.write(`xdpscope serve: ${(e as Error).message}\n`);
    }
  }
  process.stdout.write(`xdpscope UI: ${server.url}\n`);
  if (args.values.open) {
    const b = findBrowser();
    if (b) spawn(b, [server.url], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
    else process.stdout.write('no browser found: open the URL above\n');
  }
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      // Stop capture first: the helper detaches XDP before the process ends.
      void engine.close().then(() => server.close()).finally(() => done(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
