import 'server-only';

import { Redactor } from './security/redact';

/**
 * The only way server code writes logs: one JSON object per line, every field and message passed through the
 * redactor first. `audit` records each mutation: who, what, where and how it ended, without secret values.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Registers a value that must never appear in a log line, wherever it turns up. */
  protect(secret: string | null | undefined): void;
}

export interface AuditEntry {
  /** The identity acting (kubeconfig user or service account) and the person behind it: see `requestActor`. */
  who: string;
  /** What was attempted: 'create-secret', 'attach-pull-secret', 'registry-check', … */
  what: string;
  /** Where: context, namespace, object names. Names only, never secret values. */
  where: Record<string, string | null>;
  result: 'succeeded' | 'failed' | 'refused' | 'dry-run';
  /** Why it failed or was refused, in the words shown to the user. */
  detail?: string;
}

export type LogSink = (level: LogLevel, line: string) => void;

export function createLogger(sink: LogSink, redactor: Redactor = new Redactor()): Logger {
  const write = (level: LogLevel, message: string, fields: LogFields = {}) => {
    const entry = { time: new Date().toISOString(), level, msg: message, ...fields };
    sink(level, JSON.stringify(redactor.redact(entry)));
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    protect: (secret) => redactor.protect(secret),
  };
}

const consoleSink: LogSink = (level, line) => {
  if (level === 'info') console.log(line);
  else console.error(line);
};

export const log: Logger = createLogger(consoleSink);
log.protect(process.env.PULLFIX_ACCESS_TOKEN);

export function audit(entry: AuditEntry): void {
  log.info(`audit: ${entry.what} ${entry.result}`, { audit: true, ...entry });
}
