import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Viewer } from '../../shared/access/viewer';

/** Which document a link serves; ids are database ids (the link is opaque to its holder). */
export type DocumentSpec =
  | { kind: 'RESULTS_SUMMARY'; tradeId: number }
  | { kind: 'MARKING_SHEET'; tradeId: number; judgeId: number | null }
  | { kind: 'NOTICE'; competitionId: number }
  | { kind: 'TRADE_CERTIFICATES'; tradeId: number }
  | { kind: 'STUDIO_NAMING_CERTIFICATE'; studioId: number };

interface Claims {
  spec: DocumentSpec;
  /** The caller the link was made for: the GET renders as them, with the API's visibility rules. */
  viewer: Viewer;
  /** Expiry, in ms since the epoch. */
  exp: number;
}

export const DOCUMENTS_PATH = '/documents';

/**
 * Short-lived signed download links. A browser cannot attach a bearer token to a plain
 * download, so the link itself carries who asked, for what, until when, signed with a key
 * derived from the server's secret: it cannot be altered or forged, and it stops working at
 * its expiry.
 */
export class DocumentLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    // A key of its own, so a link can never pass for a sign-in token or the other way round.
    this.key = createHmac('sha256', secret).update('jingsai document download links v1').digest();
  }

  sign(spec: DocumentSpec, viewer: Viewer, now = Date.now()): { token: string; expiresAt: Date } {
    const exp = now + this.ttlSeconds * 1000;
    const body = Buffer.from(JSON.stringify({ spec, viewer, exp } satisfies Claims)).toString('base64url');
    return { token: `${body}.${this.mac(body)}`, expiresAt: new Date(exp) };
  }

  /** The claims of a valid, unexpired link; 'INVALID' for a forged or damaged one, 'EXPIRED' after its time. */
  verify(token: string, now = Date.now()): { spec: DocumentSpec; viewer: Viewer } | 'INVALID' | 'EXPIRED' {
    const dot = token.indexOf('.');
    if (dot < 1 || token.length > 4096) return 'INVALID';
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'INVALID';
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
    } catch {
      return 'INVALID';
    }
    if (typeof claims.exp !== 'number' || claims.exp <= now) return 'EXPIRED';
    return { spec: claims.spec, viewer: claims.viewer };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

declare module '../../shared/graphql/context' {
  interface ContextServices {
    /** Signs and checks the download links of printable documents. */
    documentLinks: DocumentLinks;
  }
}
