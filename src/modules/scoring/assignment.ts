import { LocalizedError, text } from '../../shared/i18n';
/**
 * Automatic, balanced assignment of reviewers: each submission gets `perSubmission` judges,
 * never a conflicted one, no judge more than `maxPerJudge`; loads are kept within one of each
 * other where the conflicts allow it (greedy least-loaded choice, hardest submissions first,
 * then moves from the most to the least loaded judge while any is possible).
 */
export interface AssignmentInput {
  /** Submissions (entrant ids) with the judges who may not review them. */
  items: { id: number; conflicts: ReadonlySet<number> }[];
  judges: number[];
  perSubmission: number;
  maxPerJudge: number;
}

export class AssignmentImpossible extends LocalizedError {}

export function assignReviewers(input: AssignmentInput): Map<number, number[]> {
  const { items, judges, perSubmission: k, maxPerJudge: cap } = input;
  const load = new Map(judges.map((j) => [j, 0]));
  const chosen = new Map<number, Set<number>>();
  const eligible = (item: AssignmentInput['items'][number]) => judges.filter((j) => !item.conflicts.has(j));
  const order = [...items].sort((a, b) => eligible(a).length - eligible(b).length || a.id - b.id);
  for (const item of order) {
    const pool = eligible(item)
      .filter((j) => load.get(j)! < cap)
      .sort((a, b) => load.get(a)! - load.get(b)! || a - b);
    if (pool.length < k)
      throw new AssignmentImpossible(
        text(
          `参评项目 ${item.id} 只有 ${pool.length} 名尚有余量且可回避冲突的评审。`,
          `Submission ${item.id} has only ${pool.length} eligible judges with room.`,
        ),
      );
    const picks = pool.slice(0, k);
    chosen.set(item.id, new Set(picks));
    for (const j of picks) load.set(j, load.get(j)! + 1);
  }
  // Rebalance: move one review from a most-loaded judge to a least-loaded one who may take it.
  const byId = new Map(items.map((i) => [i.id, i]));
  const tryMove = (high: number, low: number): boolean => {
    for (const [id, set] of chosen) {
      if (!set.has(high) || set.has(low) || byId.get(id)!.conflicts.has(low)) continue;
      set.delete(high);
      set.add(low);
      load.set(high, load.get(high)! - 1);
      load.set(low, load.get(low)! + 1);
      return true;
    }
    return false;
  };
  for (let guard = 0; guard < items.length * k * judges.length; guard++) {
    const sorted = [...judges].sort((a, b) => load.get(a)! - load.get(b)! || a - b);
    let moved = false;
    // Any pair more than one apart, widest gaps first.
    outer: for (let hi = sorted.length - 1; hi > 0; hi--) {
      for (let lo = 0; lo < hi; lo++) {
        const high = sorted[hi]!;
        const low = sorted[lo]!;
        if (load.get(high)! - load.get(low)! <= 1) break;
        if (tryMove(high, low)) {
          moved = true;
          break outer;
        }
      }
    }
    if (!moved) break;
  }
  return new Map([...chosen].map(([id, set]) => [id, [...set].sort((a, b) => a - b)]));
}
