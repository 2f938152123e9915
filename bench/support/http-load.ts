import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { postText } from './http-post';

/**
 * A small closed-loop HTTP load generator: `concurrency` workers on keep-alive connections, each
 * sending its next request as soon as the previous answer is read. Lighter than fetch, so the
 * client takes less of the CPU the servers share with it.
 */
export interface RunResult {
  requests: number;
  seconds: number;
  latencies: number[];
}

export interface Summary {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Throughput over the total time of the runs, percentiles over all their latencies. */
export function summarize(runs: RunResult[]): Summary {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  return {
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1]!,
  };
}

export const fmt = (s: Summary, unit = 'ms') =>
  `${s.rps.toFixed(0).padStart(6)} req/s   p50 ${s.p50.toFixed(2)} ${unit}   p90 ${s.p90.toFixed(2)} ${unit}   ` +
  `p99 ${s.p99.toFixed(2)} ${unit}   max ${s.max.toFixed(1)} ${unit}`;

export class HttpTarget {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(url: string, concurrency: number) {
    this.url = new URL(url);
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  /** One POST of a JSON body; resolves to the parsed answer. Throws on a non-200 status. */
  async post(body: string, headers: Record<string, string> = {}): Promise<unknown> {
    const { status, text } = await postText(this.agent, this.url, body, headers);
    if (status !== 200) throw new Error(`HTTP ${status}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  }

  /**
   * `requests` requests from `concurrency` workers; `body(i)` gives the i-th request's body and
   * `check` throws on a wrong answer (so an error never counts as a fast success).
   */
  async run(
    requests: number,
    concurrency: number,
    body: (i: number) => string,
    check: (answer: unknown) => void,
    headers: Record<string, string> = {},
  ): Promise<RunResult> {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const i = next++;
          const b = body(i);
          const t0 = performance.now();
          const answer = await this.post(b, headers);
          latencies.push(performance.now() - t0);
          check(answer);
        }
      }),
    );
    return { requests, seconds: (performance.now() - started) / 1000, latencies };
  }

  close(): void {
    this.agent.destroy();
  }
}
