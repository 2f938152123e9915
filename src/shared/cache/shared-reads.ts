import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { Context } from '../graphql/context';
import type { Recent } from './recent';

type Answer = FormattedExecutionResult;

/** What a caller found for its question: the shared answer, or the duty to compute it (null: compute, keep nothing). */
export type Lookup = { answer: Answer } | { answer?: undefined; claim: Claim | null };

/** The duty to compute one shared answer: `settle` keeps it (when it can be shared) and wakes the waiters. */
export interface Claim {
  settle(answer: Answer | null): void;
}

/**
 * Anonymous queries over HTTP share their answers for `answers.ttlMs`: the same document with the
 * same variables, asked by any anonymous caller, gets the answer computed for the first one, as
 * long as nothing was committed through this instance and no board change was heard since (see
 * `RecentReads`). A union app with a million workers polling the same board costs one execution
 * per board version and moment, not one per worker; callers who ask while that one is being
 * computed wait for it rather than compute it again. Answers with errors are never shared (an
 * outage must not outlive itself), nor are mutations or anything asked with an identity. Both
 * HTTP paths use it: Apollo's (the plugin below) and the compiled one (src/transport/compiled.ts).
 */
export class SharedAnswers {
  /** Answers being computed, by generation and key; null when the computation gave no answer to share. */
  private readonly computing = new Map<string, Promise<Answer | null>>();

  constructor(private readonly answers: Recent<Answer>) {}

  get enabled(): boolean {
    return this.answers.ttlMs > 0;
  }

  /**
   * The key of a question: the document's hash, the operation, the variables and the language
   * (explanations in results are rendered in the caller's language).
   */
  static key(
    language: string,
    documentHash: string,
    operationName: string | null,
    variables: unknown,
  ): string {
    return `${language}\u0000${documentHash}\u0000${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
  }

  /** The shared answer to this question, or a claim to compute it; null claim: computed with errors, compute your own. */
  lookup(key: string): Lookup | Promise<Lookup> {
    const hit = this.answers.get(key);
    if (hit) return { answer: hit };
    const pending = this.computing.get(`${this.answers.generation}\u0000${key}`);
    if (pending) return pending.then((answer) => (answer ? { answer } : { claim: null }));
    // Kept only if no commit or change comes between this moment and the answer.
    const generation = this.answers.generation;
    const slot = `${generation}\u0000${key}`;
    let settle!: (answer: Answer | null) => void;
    this.computing.set(
      slot,
      new Promise<Answer | null>((resolve) => {
        settle = (answer) => {
          this.computing.delete(slot);
          if (answer) this.answers.set(key, answer, generation);
          // Waiters asked within the same generation: the answer is theirs even if a change came meanwhile.
          resolve(answer);
        };
      }),
    );
    return { claim: { settle } };
  }
}

/** Apollo's side of the shared answers. */
export function sharedAnonymousReads(shared: SharedAnswers): ApolloServerPlugin<Context> {
  const asResponse = (singleResult: Answer) => ({
    http: { status: undefined, headers: new HeaderMap() },
    body: { kind: 'single' as const, singleResult },
  });
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.viewer.kind !== 'anonymous' || !shared.enabled) return;
      let claim: Claim | null = null;
      return {
        async responseForOperation({ operation, operationName, queryHash, request }) {
          if (operation.operation !== 'query' || !queryHash) return null;
          const found = await shared.lookup(
            SharedAnswers.key(contextValue.language, queryHash, operationName, request.variables),
          );
          if (found.answer) return asResponse(found.answer);
          claim = found.claim;
          return null;
        },
        async willSendResponse({ response }) {
          if (!claim) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const ok = result && !result.errors?.length && (response.http.status ?? 200) === 200;
          claim.settle(ok ? result : null);
          claim = null;
        },
      };
    },
  };
}
