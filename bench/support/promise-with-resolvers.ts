/**
 * `Promise.withResolvers` (Node 22) for Node 20: PostGraphile 5 declares Node ≥ 22 and this is
 * the one newer API it uses. Imported before it, for the peer of bench/board-read.ts only.
 */
type Resolvers<T> = { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
const P = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
P.withResolvers ??= <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};

export {};
