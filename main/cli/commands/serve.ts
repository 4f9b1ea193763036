// `xdpscope serve [--port N] [--open] [--allow-root] [FILE]`: the inspector
// UI for a browser, on 127.0.0.1. The link it prints (or opens) carries a
// one-time code the server exchanges for a session cookie (main/server). The
// engine runs in a worker thread; FILE (if given) is opened at start.
// Uploads and downloads live in one private scratch folder, removed at exit;
// folders left by servers that were killed are removed at the next start.
import { commandFail, parseOptions } from '../args';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { EngineClient, makeServerScratch, sweepDeadScratch, writePrivateFile, type ScratchDir } from '../../engine/index';
import { startUiServer, type UiServer } from '../../server/server';

const USAGE = `Usage: xdpscope serve [--port N] [--open] [--allow-root] [FILE]

Serves the inspector UI on http://127.0.0.1:PORT/ and prints a sign-in link
with a one-time code (valid once, for 5 minutes; kill -USR2 PID prints a new
one).
  --port N       port to listen on (default: any free port)
  --open         open the UI in a browser when one is installed (the code
                 goes through a private file, never the browser's command line)
  --allow-root   run even as root (not advised: the UI is never root; capture
                 privileges belong to the helper, see 'xdpscope grant')
  FILE           a pcap/pcapng capture to open at start
Uploads are limited to 4 GiB (XDPSCOPE_UPLOAD_LIMIT=BYTES changes it).
`;

const ROOT_REFUSAL = `xdpscope serve: refusing to run as root. As with Wireshark, the UI never runs
as root: it parses untrusted traffic and files and serves a local web page.
Capture privileges belong to the helper: run 'sudo xdpscope grant' once, then
serve as your user. To run as root anyway, pass --allow-root.
`;

const fail = commandFail('serve', 1);

function findBrowser(): string | null {
  for (const b of ['xdg-open', 'chromium', 'chromium-browser', 'google-chrome', 'firefox']) {
    try { execFileSync('sh', ['-c', `command -v ${b}`], { stdio: 'ignore' }); return b; } catch { /* next */ }
  }
  return null;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseOptions({ args: argv, allowPositionals: true, options: {
    port: { type: 'string' }, open: { type: 'boolean' }, 'allow-root': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  } });
  if (typeof args === 'string') return fail(args, 2);
  if (args.values.help) { process.stdout.write(USAGE); return 0; }
  if (process.geteuid?.() === 0 && !args.values['allow-root']) { process.stderr.write(ROOT_REFUSAL); return 1; }
  const port = args.values.port === undefined ? 0 : Number(args.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return fail(`--port must be 0..65535, got ${args.values.port}`, 2);
  }
  if (args.positionals.length > 1) {
    return fail(`one capture file at most, got ${args.positionals.length}`, 2);
  }
  const file = args.positionals[0] ? resolve(args.positionals[0]) : null;
  if (file && !existsSync(file)) {
    return fail(`${file}: no such file`);
  }
  const staticDir = join(__dirname, '..', '..', '..', 'renderer');
  if (!existsSync(join(staticDir, 'index.html')) || !existsSync(join(staticDir, 'app.js'))) {
    return fail(`renderer not built (${staticDir}); run 'npm run build'`);
  }
  let scratch: ScratchDir;
  try {
    sweepDeadScratch();
    const made = makeServerScratch();
    scratch = made.dir;
    if (made.warning) process.stderr.write(`xdpscope serve: ${made.warning}\n`);
  } catch (e) {
    return fail(`no private scratch folder for uploads and downloads: ${(e as Error).message}`);
  }
  // Also on an uncaught error: uploads and downloads hold traffic.
  const disposeOnExit = () => scratch.dispose();
  process.on('exit', disposeOnExit);
  const engine = new EngineClient({ uploadDir: scratch.path });
  let server: UiServer;
  try {
    server = await startUiServer({
      engine, port, staticDir, scratchDir: scratch.path,
      log: (line) => process.stderr.write(`xdpscope serve: ${line}\n`),
    });
  } catch (e) {
    await engine.close();
    scratch.dispose();
    return fail(`cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
  if (file) {
    try { await engine.call('openFile', { path: file }); } catch (e) {
      process.stderr.write(`xdpscope serve: ${(e as Error).message}\n`);
    }
  }
  process.stdout.write(`xdpscope UI: ${server.url}\n  (the link works once, for 5 minutes; kill -USR2 ${process.pid} prints a new one)\n`);
  if (args.values.open) {
    const b = findBrowser();
    if (b) {
      // The browser's command line is visible to every user (ps): it gets a
      // private file that forwards to a link with its own one-time code.
      const page = join(scratch.path, `open-${randomBytes(8).toString('hex')}.html`);
      writePrivateFile(page, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${server.newLink()}"><title>xdpscope</title>\n`);
      spawn(b, [pathToFileURL(page).href], { stdio: 'ignore', detached: true }).on('error', () => undefined).unref();
    } else {
      process.stdout.write('no browser found: open the link above\n');
    }
  }
  const onUsr2 = () => process.stdout.write(`xdpscope UI: ${server.newLink()}\n`);
  process.on('SIGUSR2', onUsr2);
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      // Stop capture first: the helper detaches XDP before the process ends.
      void engine.close().then(() => server.close()).finally(() => {
        scratch.dispose();
        process.off('exit', disposeOnExit);
        process.off('SIGUSR2', onUsr2);
        done(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
