import type { IncomingHttpHeaders } from 'node:http';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { BoardFramesDocument, type BoardFramesSubscription } from '../generated/graphql';

/** The graphql-ws subprotocol (see node_modules/graphql-ws/PROTOCOL.md). */
export const GRAPHQL_TRANSPORT_WS = 'graphql-transport-ws';

export interface Message {
  type: string;
  id?: string;
  payload?: unknown;
}

export interface Closed {
  code: number;
  reason: string;
  /** Date.now() when the client saw the close. */
  at: number;
}

export interface PeerOptions {
  /** Sent as the Origin header of the upgrade; none when absent (not a browser). */
  origin?: string;
  /** The upgrade's Accept-Language header; `en` when absent. */
  acceptLanguage?: string;
}

/**
 * A raw graphql-transport-ws client, for exact control of the protocol: it
 * sends what it is told, keeps every message it receives, and reports how the
 * upgrade went (101, or the HTTP status of a refusal) and how the socket closed.
 */
export class Peer {
  readonly ws: WebSocket;
  readonly messages: Message[] = [];
  /** 101 once open; the HTTP status when the upgrade is refused; 0 when it failed otherwise. */
  readonly upgraded: Promise<number>;
  readonly closed: Promise<Closed>;
  closedWith: Closed | null = null;
  /** The headers of a refused upgrade's HTTP answer. */
  refusedHeaders: IncomingHttpHeaders | null = null;
  private readonly watchers = new Set<() => void>();
  private pings = 0;

  constructor(url: string, options: PeerOptions = {}) {
    this.ws = new WebSocket(
      url.replace(/^http/, 'ws'),
      GRAPHQL_TRANSPORT_WS,
      // English unless a test asks otherwise (a connection_init `language` overrides it).
      {
        ...(options.origin ? { origin: options.origin } : {}),
        headers: { 'accept-language': options.acceptLanguage ?? 'en' },
      },
    );
    // Failures are reported through `upgraded` and `closed`.
    this.ws.on('error', () => {});
    this.upgraded = new Promise((resolve) => {
      this.ws.once('open', () => resolve(101));
      this.ws.once('unexpected-response', (_req, res) => {
        this.refusedHeaders = res.headers;
        resolve(res.statusCode ?? 0);
        this.ws.terminate();
      });
      this.ws.once('close', () => resolve(0));
    });
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString(), at: Date.now() };
        this.notify();
        resolve(this.closedWith);
      });
    });
    this.ws.on('message', (data, isBinary) => {
      // graphql-ws speaks text: a browser hands a binary frame over as a Blob, not a message.
      if (isBinary) throw new Error(`a binary frame on a graphql-ws socket: ${String(data).slice(0, 200)}`);
      this.messages.push(JSON.parse(String(data)) as Message);
      this.notify();
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: Message): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Sends connection_init (with the payload, if any) without waiting for the answer. */
  sendInit(payload?: Record<string, unknown>): void {
    this.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
  }

  /** Waits for the upgrade, sends connection_init, then waits for connection_ack. */
  async init(payload?: Record<string, unknown>): Promise<void> {
    const status = await this.upgraded;
    if (status !== 101) throw new Error(`the upgrade was refused with ${status}`);
    this.sendInit(payload);
    await this.waitFor((m) => m.type === 'connection_ack', 'connection_ack');
  }

  /** Subscribes with a typed operation. */
  subscribe<R, V>(id: string, doc: TypedDocumentNode<R, V>, variables: V): void {
    this.subscribeRaw(id, print(doc), variables as Record<string, unknown>);
  }

  /** Subscribes with any text: only for documents sent malformed or oversized on purpose. */
  subscribeRaw(
    id: string,
    query: string,
    variables: Record<string, unknown> = {},
    operationName?: string,
  ): void {
    this.send({
      id,
      type: 'subscribe',
      payload: { query, variables, ...(operationName ? { operationName } : {}) },
    });
  }

  complete(id: string): void {
    this.send({ id, type: 'complete' });
  }

  /** Messages about one operation. */
  about(id: string): Message[] {
    return this.messages.filter((m) => m.id === id);
  }

  /** The first message, already received or still to come, that matches. */
  waitFor(match: (m: Message) => boolean, what: string, timeoutMs = 20_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.watchers.delete(check);
      };
      const fail = (why: string) =>
        reject(new Error(`${why} while waiting for ${what}; received ${JSON.stringify(this.messages)}`));
      const check = () => {
        const found = this.messages.find(match);
        if (found) {
          finish();
          resolve(found);
        } else if (this.closedWith) {
          finish();
          fail(`closed with ${this.closedWith.code} ${this.closedWith.reason}`);
        }
      };
      const timer = setTimeout(() => {
        finish();
        fail(`timed out after ${timeoutMs} ms`);
      }, timeoutMs);
      this.watchers.add(check);
      check();
    });
  }

  /** The next `next` message of a subscription whose payload matches. */
  next(id: string, match: (payload: unknown) => boolean = () => true, timeoutMs = 5000): Promise<Message> {
    return this.waitFor(
      (m) => m.id === id && m.type === 'next' && match(m.payload),
      `next of ${id}`,
      timeoutMs,
    );
  }

  /** Sends a ping and waits for its pong: proves the socket is open and served. */
  async ping(timeoutMs = 3000): Promise<void> {
    const n = ++this.pings;
    this.send({ type: 'ping', payload: { n } });
    await this.waitFor(
      (m) => m.type === 'pong' && (m.payload as { n?: number } | undefined)?.n === n,
      `pong ${n}`,
      timeoutMs,
    );
  }

  /** How the socket closed, failing when it is still open after `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<Closed> {
    let timer: NodeJS.Timeout;
    return Promise.race([
      this.closed,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`still open after ${timeoutMs} ms; received ${JSON.stringify(this.messages)}`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  terminate(): void {
    this.ws.terminate();
  }

  private notify() {
    for (const w of [...this.watchers]) w();
  }
}

/** A board screen through graphql-ws's own client: every frame it gets, and when it got it. */
export interface BoardScreen<F> {
  frames: F[];
  /** Date.now() at each frame's arrival, in the same order. */
  arrived: number[];
  dispose(): Promise<void>;
}

export type BoardFrame = BoardFramesSubscription['boardUpdates'];

/** Subscribes to `boardUpdates` of a trade (BoardFrames), on the API at `url`. */
export function watchBoard(url: string, tradeId: string, first = 10): BoardScreen<BoardFrame> {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { language: 'en' },
  });
  const screen: BoardScreen<BoardFrame> = {
    frames: [],
    arrived: [],
    dispose: async () => void (await client.dispose()),
  };
  client.subscribe(
    { query: print(BoardFramesDocument), variables: { tradeId, first } },
    {
      next: (m) => {
        screen.frames.push((m.data as BoardFramesSubscription).boardUpdates);
        screen.arrived.push(Date.now());
      },
      error: () => {},
      complete: () => {},
    },
  );
  return screen;
}
