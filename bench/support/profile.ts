import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Child } from './processes';

/**
 * `--profile`: a CPU profile of the API process over the measured phase only (started and
 * stopped over IPC), summarised as the heaviest packages and functions by self time, so a missed
 * goal shows where the time goes. The .cpuprofile file stays in the temporary folder printed
 * (open it in Chrome DevTools for the call tree).
 */
export class Profile {
  private file: string | null = null;

  constructor(
    private readonly child: Child,
    private readonly enabled: boolean,
  ) {}

  async start(): Promise<void> {
    if (this.enabled) await this.child.profileStart();
  }

  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.file = path.join(mkdtempSync(path.join(tmpdir(), 'jingsai-profile-')), 'api.cpuprofile');
    await this.child.profileStop(this.file);
  }

  print(top = 25): void {
    if (this.file) printProfile(this.file, top);
  }
}

/**
 * `--profile` for memory: a sampling heap profile of the API process over a phase; what is still
 * alive at the end (after a full GC), by allocating function, shows what a phase leaves behind.
 */
export class HeapProfile {
  private file: string | null = null;

  constructor(
    private readonly child: Child,
    private readonly enabled: boolean,
  ) {}

  async start(): Promise<void> {
    if (this.enabled) await this.child.heapStart();
  }

  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.file = path.join(mkdtempSync(path.join(tmpdir(), 'jingsai-heap-')), 'api.heapprofile');
    await this.child.heapStop(this.file);
  }

  print(per: number, top = 20): void {
    if (!this.file) return;
    interface Node {
      callFrame: { functionName: string; url: string; lineNumber: number };
      selfSize: number;
      children: Node[];
    }
    const { head } = JSON.parse(readFileSync(this.file, 'utf8')) as { head: Node };
    const self = new Map<string, number>();
    const byPackage = new Map<string, number>();
    let total = 0;
    const walk = (n: Node, stack: string[]) => {
      const f = n.callFrame;
      const where = f.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
      const frame = `${f.functionName || '(anonymous)'}  ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
      const path = [...stack, where];
      if (n.selfSize) {
        total += n.selfSize;
        self.set(frame, (self.get(frame) ?? 0) + n.selfSize);
        // Charge the allocation to the innermost application or package frame that is not Node's own.
        const owner = [...path].reverse().find((w) => w && !w.startsWith('node:')) ?? '(native)';
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(owner);
        const pkg = m ? m[1]! : owner.replace(/^(src\/[^/]+(?:\/[^/]+)?)\/.*$/, '$1');
        byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n.selfSize);
      }
      for (const c of n.children) walk(c, path);
    };
    walk(head, []);
    const kb = (b: number) => `${(b / per / 1024).toFixed(2).padStart(6)} KB`;
    console.log(
      `\nlive heap allocated during the phase (${this.file}): ${(total / 1024 / 1024).toFixed(1)} MB, ` +
        `per subscriber:`,
    );
    console.log('  by package or folder of the innermost non-core frame:');
    for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15))
      console.log(`    ${kb(v)}  ${k}`);
    console.log('  by allocating function:');
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`    ${kb(v)}  ${k}`);
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export function printProfile(file: string, top = 25): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    if (f.functionName === '(idle)') {
      idle += dt;
      return;
    }
    const where = f.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
    const key = `${f.functionName || '(anonymous)'}  ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
    const pkg = m
      ? m[1]!
      : where.startsWith('src/')
        ? where.replace(/^(src\/[^/]+(?:\/[^/]+)?)\/.*$/, '$1')
        : where.startsWith('node:')
          ? 'node: (core modules)'
          : `${f.functionName} (native)`;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
  });
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  console.log(
    `\nCPU profile of the API process over the measured phase (${file}): ` +
      `busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s`,
  );
  console.log('  self time by package or native function (share of busy time):');
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 18))
    console.log(`    ${pct(v)}  ${k}`);
  console.log('  heaviest functions by self time:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`    ${pct(v)}  ${k}`);
}
