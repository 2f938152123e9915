import type { EntityManager } from '@mikro-orm/postgresql';
import { holdWrites, writeWaiting } from './transaction-sql';

type Step = () => Promise<void>;

// Keyed by the transaction (the ORM's transaction context), so every fork of it shares the list.
const lastSteps = new WeakMap<object, Step[]>();

/**
 * Runs `work` in the transaction `em` belongs to, then the steps it deferred with `deferToLast`, in
 * the order they were deferred, before the commit. Writes sent with `writeAlong` meanwhile ride
 * with a later statement; what is left of them is sent last.
 */
export async function withLastSteps<T>(em: EntityManager, work: () => Promise<T>): Promise<T> {
  const trx = em.getTransactionContext<object>();
  if (!trx) throw new Error('withLastSteps needs a transaction');
  const steps: Step[] = [];
  lastSteps.set(trx, steps);
  holdWrites(em);
  try {
    const value = await work();
    for (let i = 0; i < steps.length; i++) await steps[i]!();
    await writeWaiting(em);
    return value;
  } finally {
    lastSteps.delete(trx);
  }
}

/**
 * Defers `step` to the end of the transaction `em` belongs to, when that transaction runs its last
 * steps (`withLastSteps`); false when it does not, and the caller runs the step at once. Work that
 * takes a lock many transactions queue for (an audit chain's) goes last, so no transaction holds it
 * while waiting for another lock, and it is held for the least time.
 */
export function deferToLast(em: EntityManager, step: Step): boolean {
  const trx = em.getTransactionContext<object>();
  const steps = trx && lastSteps.get(trx);
  if (!steps) return false;
  steps.push(step);
  return true;
}
