import type { WebSocket } from 'ws';

/**
 * Bounds what the server holds for one socket. Every message to it passes through its `send`:
 * graphql-ws's own (acknowledgment, snapshots, pongs, errors, `complete`) and the fan-out's direct
 * deliveries of board frames (src/shared/cache/fanout.ts). Before each, when the socket already
 * holds more than `maxBytes` unsent (`bufferedAmount`: what Node queues above the kernel's own
 * socket buffer), the message is dropped, the socket terminated (its buffer freed at once) and
 * `cut` told how many bytes it held (logged with close code 4008,
 * `SLOW_CONSUMER_CLOSE_CODE`); every later message to it is dropped. So a socket never
 * holds more than `maxBytes` plus one message. `maxBytes` 0: no bound.
 */
export function boundSends(socket: WebSocket, maxBytes: number, cut: (bufferedBytes: number) => void): void {
  if (maxBytes <= 0) return;
  const send = socket.send.bind(socket) as (data: unknown, options?: unknown, cb?: unknown) => void;
  let over = false;
  const bounded = (data: unknown, options?: unknown, cb?: unknown): void => {
    if (!over && socket.bufferedAmount > maxBytes) {
      over = true;
      const buffered = socket.bufferedAmount;
      socket.terminate();
      cut(buffered);
    }
    if (!over) return send(data, options, cb);
    // Dropped: whoever waits for the write (graphql-ws does) goes on; the socket is closing.
    const callback = typeof options === 'function' ? options : cb;
    if (typeof callback === 'function') process.nextTick(callback as () => void);
  };
  socket.send = bounded as WebSocket['send'];
}
