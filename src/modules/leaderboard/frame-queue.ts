import type { BoardFrameView } from './board';

/** A minimal async queue for one subscriber: frames in, `for await` out, `return()` unsubscribes. */
export class FrameQueue implements AsyncIterableIterator<BoardFrameView> {
  private readonly buffered: BoardFrameView[] = [];
  private waiting: ((r: IteratorResult<BoardFrameView>) => void) | null = null;
  private done = false;

  constructor(private readonly onClose: () => void) {}

  push(frame: BoardFrameView): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: frame, done: false });
    } else this.buffered.push(frame);
  }

  next(): Promise<IteratorResult<BoardFrameView>> {
    const value = this.buffered.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<BoardFrameView>> {
    if (!this.done) {
      this.done = true;
      this.onClose();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
