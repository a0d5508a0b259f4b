// What scripts/demo.mjs decides, kept apart from the processes it starts so it can be tested alone.
import net from 'node:net';

export const DEMO_FIRST_PORT = 3000;
export const DEMO_PORT_TRIES = 20;

/**
 * The port the demo serves on. A PORT the user set is taken as it is, or refused when busy (they asked for it);
 * otherwise the first free port from 3000 up, with a note when it is not 3000.
 * Returns { port, note } or { error }.
 */
export async function chooseDemoPort(requested, isFree = isLoopbackPortFree) {
  if (requested !== undefined && requested !== '') {
    const port = Number(requested);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { error: `PORT must be a port number (1-65535), not "${requested}"` };
    if (await isFree(port)) return { port, note: null };
    return { error: `port ${port} (from PORT) is in use on 127.0.0.1; choose another: PORT=${port + 1} npm run demo` };
  }
  for (let port = DEMO_FIRST_PORT; port < DEMO_FIRST_PORT + DEMO_PORT_TRIES; port++) {
    if (await isFree(port)) {
      return { port, note: port === DEMO_FIRST_PORT ? null : `port ${DEMO_FIRST_PORT} is in use; using ${port} (set PORT to choose)` };
    }
  }
  const last = DEMO_FIRST_PORT + DEMO_PORT_TRIES - 1;
  return { error: `ports ${DEMO_FIRST_PORT}-${last} are all in use on 127.0.0.1; set PORT to a free one: PORT=8080 npm run demo` };
}

/** True when nothing listens on the port at 127.0.0.1 (where the demo binds). */
export function isLoopbackPortFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * What the terminal shows of one line the app printed: a short human line for each mutation's audit entry and
 * for warnings and errors; null for everything else (it goes to the log file only).
 */
export function terminalLine(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof entry !== 'object' || entry === null) return null;
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  if (entry.audit === true) {
    const where = Object.entries(entry.where ?? {})
      .filter(([, value]) => typeof value === 'string' && value !== '')
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    const detail = typeof entry.detail === 'string' && entry.detail !== '' ? `: ${entry.detail}` : '';
    return `${time} ${entry.who ?? '?'} ${entry.what ?? '?'} ${entry.result ?? '?'} (${where})${detail}`;
  }
  if (entry.level === 'warn' || entry.level === 'error') return `${time} ${entry.level}: ${entry.msg ?? ''}`;
  return null;
}
