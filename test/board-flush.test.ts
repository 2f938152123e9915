import type { MikroORM } from '@mikro-orm/postgresql';
import { BoardHub } from '../src/modules/leaderboard/board-hub';
import type { PubSub } from '../src/shared/graphql/pubsub';
import { until } from './support/until';

/**
 * The board hub's push schedule alone (no database: its flush is replaced by one the test
 * controls). A change heard while a push is being computed may come after that push read the
 * board, so it must get a push of its own: otherwise screens miss it until the next change.
 */
class ControlledHub extends BoardHub {
  readonly started: number[] = [];
  private finishers: (() => void)[] = [];

  override flush(tradeId: number): Promise<void> {
    this.started.push(tradeId);
    return new Promise((resolve) => this.finishers.push(resolve));
  }

  finishFlush(): void {
    this.finishers.shift()?.();
  }
}

const FLUSH_MS = 10;
let hub: ControlledHub;

beforeEach(() => {
  hub = new ControlledHub({} as MikroORM, {} as PubSub, FLUSH_MS);
});
afterEach(() => hub.close());

test('a change heard while a push is computed gets a push of its own', async () => {
  hub.schedule(1);
  await until('the first push', () => hub.started.length === 1);
  // Heard mid-push, twice: one more push covers both.
  hub.schedule(1);
  hub.schedule(1);
  hub.finishFlush();
  await until('the push after it', () => hub.started.length === 2);
  hub.finishFlush();
  // Nothing else was heard: no third push.
  await new Promise((r) => setTimeout(r, FLUSH_MS * 10));
  expect(hub.started).toEqual([1, 1]);
});

test('changes heard while a push waits for its interval are in that push: no extra one', async () => {
  hub.schedule(2);
  await until('the first push', () => hub.started.length === 1);
  hub.finishFlush();
  await new Promise((r) => setImmediate(r)); // the push has settled
  // Within the interval after that push: one waits; the changes heard meanwhile join it.
  hub.schedule(2);
  hub.schedule(2);
  await until('the second push', () => hub.started.length === 2);
  hub.finishFlush();
  await new Promise((r) => setTimeout(r, FLUSH_MS * 10));
  expect(hub.started).toEqual([2, 2]);
});
