import type { Mark } from './aggregation';
import type { Aspect, MarkingScheme } from './scheme';

/**
 * Per-judge normalisation (z-scores), so a harsh and a lenient judge count alike: on each aspect,
 * a judge's marks across the trade's entrants become z = (x − μ_judge) / σ_judge, mapped back
 * onto the aspect's range as midpoint + z × range / 6 (so ±3σ spans the range), clamped to it
 * and rounded to hundredths. A judge with a single mark (or all marks equal) on an aspect gives
 * the midpoint. Deductions are not normalised (a penalty is a fact, not an opinion).
 *
 * The statistics are computed from marks in integer hundredths with exact integer arithmetic
 * (z = (n·x − Σx) / √(n·Σx² − (Σx)²)), so adding a constant to every mark of a judge leaves
 * the result bit-for-bit unchanged.
 */
export function normalizeMarks(
  scheme: MarkingScheme,
  byEntrant: ReadonlyMap<number, ReadonlyMap<string, readonly Mark[]>>,
): Map<number, Map<string, Mark[]>> {
  const aspects = new Map<string, Aspect>();
  for (const m of scheme.modules)
    for (const c of m.criteria) for (const a of c.aspects) aspects.set(a.code, a);
  // Σx and Σx² per (aspect, judge), in hundredths.
  const stats = new Map<string, { n: bigint; s: bigint; q: bigint }>();
  for (const marks of byEntrant.values()) {
    for (const [code, list] of marks) {
      if (aspects.get(code)?.kind === 'DEDUCTION') continue;
      for (const m of list) {
        const key = `${code}|${m.judgeId}`;
        const h = BigInt(Math.round(m.value * 100));
        const st = stats.get(key) ?? { n: 0n, s: 0n, q: 0n };
        st.n += 1n;
        st.s += h;
        st.q += h * h;
        stats.set(key, st);
      }
    }
  }
  const out = new Map<number, Map<string, Mark[]>>();
  for (const [entrant, marks] of byEntrant) {
    const normalized = new Map<string, Mark[]>();
    for (const [code, list] of marks) {
      const aspect = aspects.get(code);
      if (!aspect || aspect.kind === 'DEDUCTION') {
        normalized.set(code, [...list]);
        continue;
      }
      const range =
        aspect.kind === 'JUDGEMENT' && aspect.scale ? aspect.scale : { min: 0, max: aspect.maxMark };
      const mid = (range.min + range.max) / 2;
      const spread = (range.max - range.min) / 6;
      normalized.set(
        code,
        list.map((m) => {
          const st = stats.get(`${code}|${m.judgeId}`)!;
          const variance = st.n * st.q - st.s * st.s; // n²σ², exact
          const z =
            st.n < 2n || variance <= 0n
              ? 0
              : Number(st.n * BigInt(Math.round(m.value * 100)) - st.s) / Math.sqrt(Number(variance));
          const v = Math.min(range.max, Math.max(range.min, mid + z * spread));
          return { judgeId: m.judgeId, value: Math.round(v * 100) / 100 };
        }),
      );
    }
    out.set(entrant, normalized);
  }
  return out;
}
