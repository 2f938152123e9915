import { Presets, SingleBar } from 'cli-progress';

/** Progress of a long command, by stage: `update('write', 400, 1000)`. */
export interface Progress {
  update(stage: string, done: number, total: number): void;
  /** A line under the bar (which ends), e.g. what the database is still doing. */
  note(line: string): void;
  /** Ends the display (idempotent), e.g. before printing errors. */
  stop(): void;
}

/** A redrawn bar for a terminal, one per stage; the stage is part of its format. */
export function barProgress(stream: NodeJS.WriteStream, unit = 'rows', eta = false): Progress {
  let bar: SingleBar | null = null;
  let stage: string | null = null;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    update(s, done, total) {
      if (s !== stage || !bar) {
        stop();
        stage = s;
        bar = new SingleBar(
          {
            format: `{stage} |{bar}| {percentage}% | {value}/{total} ${unit} | {duration_formatted}${eta ? ' | ETA {eta_formatted}' : ''}`,
            stream,
            hideCursor: true,
            etaBuffer: 50,
          },
          Presets.shades_classic,
        );
        bar.start(total, done, { stage: s.padEnd(12) });
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    note(line) {
      stop();
      stream.write(`${line}\n`);
    },
    stop,
  };
}

/** Plain lines for logs and CI: each stage's start, every 10 %, and its end. */
export function lineProgress(write: (line: string) => void, unit = 'rows'): Progress {
  let stage: string | null = null;
  let lastStep = -1;
  let finished = false;
  return {
    update(s, done, total) {
      if (s !== stage) {
        stage = s;
        lastStep = -1;
        finished = false;
      }
      if (finished) return;
      const step = total > 0 ? Math.floor((done * 10) / total) : 10;
      if (step === lastStep && done < total) return;
      lastStep = step;
      finished = done >= total;
      const pct = total > 0 ? Math.floor((done * 100) / total) : 100;
      write(`${s}: ${done}/${total} ${unit} (${pct}%)`);
    },
    note: write,
    stop() {},
  };
}

/** A bar on a terminal, lines otherwise (a log, CI, a pipe). */
export function progressFor(stream: NodeJS.WriteStream, unit = 'rows', eta = false): Progress {
  return stream.isTTY ? barProgress(stream, unit, eta) : lineProgress((l) => stream.write(`${l}\n`), unit);
}
