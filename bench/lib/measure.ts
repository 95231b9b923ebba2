/**
 * Small shared helpers for benchmarks: median of runs, one measurement per child process (so a
 * run's peak memory is its own), and JSON output. Benchmarks print figures; tests never time.
 */
import { spawn } from 'node:child_process';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** CPU seconds of this process (user + system): less distorted than wall time on a busy machine. */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** What a child reports: its own figures plus its peak resident set size. */
export interface ChildReport {
  /** Wall-clock seconds of the measured work. */
  seconds: number;
  /** CPU seconds (user + system) of the measured work: steadier than wall time on a shared machine. */
  cpuSeconds: number;
  /** Peak RSS of the whole child process (process.resourceUsage().maxRSS), MB. */
  peakMB: number;
  /** RSS before the work started (runtime + loaded code), MB. */
  baselineMB: number;
  /**
   * Minor page faults during the work: fresh memory touched (4 KiB each). On a busy shared
   * machine first-touching memory is a large part of the CPU time, so this explains much of it.
   */
  minorFaults: number;
  [key: string]: unknown;
}

/**
 * Measures `work` inside the current (child) process and prints a ChildReport line on stdout.
 * Call from a child started by `runChild`.
 */
export async function measureInChild(work: () => Promise<Record<string, unknown>>): Promise<void> {
  const baselineMB = process.memoryUsage().rss / 1048576;
  const faults0 = process.resourceUsage().minorPageFault;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const extra = await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const report: ChildReport = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakMB: process.resourceUsage().maxRSS / 1024,
    baselineMB,
    minorFaults: process.resourceUsage().minorPageFault - faults0,
    ...extra,
  };
  process.stdout.write(`${CHILD_MARK}${JSON.stringify(report)}\n`);
}

const CHILD_MARK = '@@bench-child ';

/** Runs `node --import tsx <script> ...args` and returns the report it printed. */
export function runChild(script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(CHILD_MARK));
      if (code !== 0 || !line) reject(new Error(`child ${script} ${args.join(' ')} exited with ${code}: ${out.slice(-500)}`));
      else resolve(JSON.parse(line.slice(CHILD_MARK.length)) as ChildReport);
    });
  });
}

/** Runs the same child `times` times (sequentially) and summarizes: median times, largest peak. */
export async function repeatChild(
  script: string,
  args: readonly string[],
  times = 3,
): Promise<{ seconds: number; cpuSeconds: number; peakMB: number; baselineMB: number; minorFaults: number; runs: ChildReport[] }> {
  const runs: ChildReport[] = [];
  for (let i = 0; i < times; i++) runs.push(await runChild(script, args));
  return {
    seconds: median(runs.map((r) => r.seconds)),
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    peakMB: Math.max(...runs.map((r) => r.peakMB)),
    baselineMB: median(runs.map((r) => r.baselineMB)),
    minorFaults: median(runs.map((r) => r.minorFaults)),
    runs,
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
