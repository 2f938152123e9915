import { createHash, createHmac } from 'node:crypto';

/**
 * Lot drawing (抽签): each checked-in entrant of a trade gets an anonymous number.
 *
 * The numbers come from a 32-byte secret seed: unguessable while the seed is secret, and
 * reproducible by anyone once it is revealed at publication. At the draw only the seed's
 * SHA-256 (the commitment) enters the audit log, so the seed cannot be swapped afterwards.
 *
 * Algorithm (fixed, so old draws replay): a byte stream HMAC-SHA256(seed, "lots|<trade>|<seq>|<n>")
 * for n = 0, 1, …; each 4 bytes a big-endian uint32, rejection-sampled into 1..10^digits − 1;
 * numbers already taken are skipped; entrants receive numbers in ascending id order.
 */

export function commitmentOf(seedHex: string): string {
  return createHash('sha256').update(seedHex, 'utf8').digest('hex');
}

/** At least 3 digits, and a number space at least ten times the entrants so numbers say nothing of order. */
export function lotDigits(totalEntrants: number): number {
  return Math.max(3, String(Math.max(1, totalEntrants) * 10).length);
}

export function formatLot(n: number, digits: number): string {
  return String(n).padStart(digits, '0');
}

function* uint32Stream(seedHex: string, tradeId: number, seq: number): Generator<number> {
  const key = Buffer.from(seedHex, 'hex');
  for (let block = 0; ; block++) {
    const bytes = createHmac('sha256', key).update(`lots|${tradeId}|${seq}|${block}`).digest();
    for (let i = 0; i < bytes.length; i += 4) yield bytes.readUInt32BE(i);
  }
}

/**
 * Numbers for `entrantIds` (any order; assigned in ascending id order), avoiding `taken`.
 * Throws when the space cannot hold them all.
 */
export function drawNumbers(
  seedHex: string,
  tradeId: number,
  seq: number,
  entrantIds: readonly number[],
  taken: ReadonlySet<number>,
  digits: number,
): Map<number, number> {
  const range = 10 ** digits - 1;
  if (taken.size + entrantIds.length > range) throw new RangeError('Too many entrants for the number space.');
  const limit = Math.floor(2 ** 32 / range) * range;
  const used = new Set(taken);
  const out = new Map<number, number>();
  const stream = uint32Stream(seedHex, tradeId, seq);
  for (const id of [...entrantIds].sort((a, b) => a - b)) {
    for (;;) {
      const u = stream.next().value as number;
      if (u >= limit) continue;
      const n = 1 + (u % range);
      if (used.has(n)) continue;
      used.add(n);
      out.set(id, n);
      break;
    }
  }
  return out;
}
