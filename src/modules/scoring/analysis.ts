import { aggregate, type Mark } from './aggregation';
import type { Aspect, MarkingScheme } from './scheme';

export interface MarkRow {
  entrantId: number;
  aspectCode: string;
  judgeId: number;
  value: number;
}

export interface JudgeStats {
  judgeId: number;
  marksGiven: number;
  marksCompared: number;
  meanDeviation: number | null;
  meanAbsoluteDeviation: number | null;
  droppedHigh: number;
  droppedLow: number;
  marksTrimmable: number;
  droppedRate: number | null;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Per judge (as in WorldSkills' marking analysis): how many marks, how far each mark sits from
 * the mean of the OTHER judges' marks on the same entrant and aspect (so a judge is not
 * compared with themself), and how often a trimmed mean dropped their mark as the panel's
 * highest or lowest. Marks on aspects the scheme no longer has are counted but not compared.
 */
export function judgeAnalysis(scheme: MarkingScheme, marks: readonly MarkRow[]): JudgeStats[] {
  const aspects = new Map<string, Aspect>();
  for (const m of scheme.modules)
    for (const c of m.criteria) for (const a of c.aspects) aspects.set(a.code, a);
  const panels = new Map<string, MarkRow[]>();
  for (const m of marks) {
    const key = `${m.entrantId}|${m.aspectCode}`;
    panels.set(key, [...(panels.get(key) ?? []), m]);
  }
  const stats = new Map<
    number,
    { given: number; devs: number[]; high: number; low: number; trimmable: number }
  >();
  const of = (id: number) => {
    let s = stats.get(id);
    if (!s) stats.set(id, (s = { given: 0, devs: [], high: 0, low: 0, trimmable: 0 }));
    return s;
  };
  for (const panel of panels.values()) {
    for (const m of panel) of(m.judgeId).given++;
    const aspect = aspects.get(panel[0]!.aspectCode);
    if (!aspect) continue;
    if (panel.length >= 2) {
      const sum = panel.reduce((a, m) => a + m.value, 0);
      for (const m of panel) of(m.judgeId).devs.push(m.value - (sum - m.value) / (panel.length - 1));
    }
    const { explanation } = aggregate(
      aspect,
      panel.map((m): Mark => ({ judgeId: String(m.judgeId), value: m.value })),
    );
    if (explanation.dropped.length === 0) continue;
    for (const m of panel) of(m.judgeId).trimmable++;
    for (const d of explanation.dropped) {
      const s = of(Number(d.judgeId));
      if (d.reason === 'HIGHEST') s.high++;
      else s.low++;
    }
  }
  return [...stats.entries()]
    .sort(([a], [b]) => a - b)
    .map(([judgeId, s]) => ({
      judgeId,
      marksGiven: s.given,
      marksCompared: s.devs.length,
      meanDeviation: s.devs.length ? round4(s.devs.reduce((a, b) => a + b, 0) / s.devs.length) : null,
      meanAbsoluteDeviation: s.devs.length
        ? round4(s.devs.reduce((a, b) => a + Math.abs(b), 0) / s.devs.length)
        : null,
      droppedHigh: s.high,
      droppedLow: s.low,
      marksTrimmable: s.trimmable,
      droppedRate: s.trimmable ? round4((s.high + s.low) / s.trimmable) : null,
    }));
}
