export interface SizeFigures {
  pods: number;
  kubectl: number[];
  raw: number[];
  cold: number[];
  warm: number[];
}
export interface RequestRate {
  clients: number;
  answers?: number;
  perMinute: number;
  listsPerMinute: number;
}
export interface ServiceFigures {
  pods: number;
  kubectlMedian: number;
  pollMs?: number;
  idleMs?: number;
  clients: number[];
  rates: RequestRate[];
  change: number[];
  rss: { beforeCache: number; warm: number; after20: number; beforeIdle: number; withIdle: number; afterDrop: number | null; dropSeconds?: number };
}
export interface BrowserFigures {
  rows: number;
  /** From navigation start to the first rendered row, in ms. */
  navigation: number[];
  /** From navigation start to every row counted from the stream's answer, in ms. */
  allRowsLive: number[];
  domNodes: number;
  updateTasks: number[];
}
export interface BenchResults {
  startedAt?: string;
  machine?: { cpus: number; cpuModel: string; node: string; loadStart: string; loadEnd: string };
  rounds?: number;
  sizes: SizeFigures[];
  service: ServiceFigures | null;
  demo: { change: number[] } | null;
  browser?: BrowserFigures | null;
}
export interface TargetVerdict {
  id: string;
  text: string;
  met: boolean | null;
  figure: string;
}
export declare const TARGETS: { id: string; text: string }[];
export declare function min(values: number[]): number;
export declare function median(values: number[]): number;
export declare function percentile(values: number[], p: number): number;
export declare function judgeTargets(results: BenchResults): TargetVerdict[];
export declare function formatReport(results: Required<BenchResults>): string[];
