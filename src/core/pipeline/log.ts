/**
 * Structured log lines per pipeline stage — the course's logger, done as data so the UI can
 * show them, the CLI can print them and a run can store them.
 */
import type { PipelineStage } from '../errors';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  /** Milliseconds since the Unix epoch. */
  time: number;
  level: LogLevel;
  stage: PipelineStage;
  /** Candidate model name, when the line concerns one. */
  candidate?: string;
  message: string;
  data?: Record<string, number | string | boolean | null>;
}

export type LogSink = (line: LogLine) => void;

export class Logger {
  readonly lines: LogLine[] = [];
  constructor(
    private readonly sink?: LogSink,
    private readonly now: () => number = Date.now,
  ) {}

  log(level: LogLevel, stage: PipelineStage, message: string, extra: { candidate?: string; data?: LogLine['data'] } = {}): void {
    const line: LogLine = { time: this.now(), level, stage, message, ...extra };
    this.lines.push(line);
    this.sink?.(line);
  }
  info(stage: PipelineStage, message: string, extra?: { candidate?: string; data?: LogLine['data'] }): void {
    this.log('info', stage, message, extra);
  }
  warn(stage: PipelineStage, message: string, extra?: { candidate?: string; data?: LogLine['data'] }): void {
    this.log('warn', stage, message, extra);
  }
  error(stage: PipelineStage, message: string, extra?: { candidate?: string; data?: LogLine['data'] }): void {
    this.log('error', stage, message, extra);
  }
}

/** One line of text for a terminal: `12:03:04.123 INFO  training  [gbdt] message k=v`. */
export function formatLogLine(l: LogLine): string {
  const t = new Date(l.time).toISOString().slice(11, 23);
  const data = l.data ? ' ' + Object.entries(l.data).map(([k, v]) => `${k}=${v}`).join(' ') : '';
  return `${t} ${l.level.toUpperCase().padEnd(5)} ${l.stage.padEnd(14)} ${l.candidate ? `[${l.candidate}] ` : ''}${l.message}${data}`;
}
