import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { Context } from '../graphql/context';
import type { Recent } from './recent';

type Answer = FormattedExecutionResult;

/**
 * Anonymous queries over HTTP share their answers for `answers.ttlMs`: the same document with the
 * same variables, asked by any anonymous caller, gets the answer computed for the first one, as
 * long as nothing was committed through this instance and no board change was heard since (see
 * `RecentReads`). A union app with a million workers polling the same board costs one execution
 * per board version and moment, not one per worker; callers who ask while that one is being
 * computed wait for it rather than compute it again. Answers with errors are never shared (an
 * outage must not outlive itself), nor are mutations or anything asked with an identity.
 */
export function sharedAnonymousReads(answers: Recent<Answer>): ApolloServerPlugin<Context> {
  /** Answers being computed, by generation and key; null when the computation gave no answer to share. */
  const computing = new Map<string, Promise<Answer | null>>();
  const shared = (singleResult: Answer) => ({
    http: { status: undefined, headers: new HeaderMap() },
    body: { kind: 'single' as const, singleResult },
  });
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.viewer.kind !== 'anonymous' || answers.ttlMs <= 0) return;
      let key: string | null = null;
      let generation = 0;
      let done: ((answer: Answer | null) => void) | null = null;
      return {
        async responseForOperation({ operation, operationName, queryHash, request }) {
          if (operation.operation !== 'query' || !queryHash) return null;
          // Explanations in results are rendered in the caller's language: answers are shared per language.
          const candidate = `${contextValue.language}\u0000${queryHash}\u0000${operationName ?? ''}\u0000${JSON.stringify(request.variables ?? {})}`;
          const hit = answers.get(candidate);
          if (hit) return shared(hit);
          const pending = computing.get(`${answers.generation}\u0000${candidate}`);
          if (pending) {
            const answer = await pending;
            if (answer) return shared(answer);
            return null; // computed with errors: compute our own
          }
          // Kept only if no commit or change comes between this moment and the answer.
          key = candidate;
          generation = answers.generation;
          const slot = `${generation}\u0000${key}`;
          computing.set(
            slot,
            new Promise<Answer | null>((resolve) => {
              done = (answer) => {
                computing.delete(slot);
                resolve(answer);
              };
            }),
          );
          return null;
        },
        async willSendResponse({ response }) {
          if (key === null || !done) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const ok = result && !result.errors?.length && (response.http.status ?? 200) === 200;
          if (ok) answers.set(key, result, generation);
          // Waiters asked within the same generation: the answer is theirs even if a change came meanwhile.
          done(ok ? result : null);
        },
      };
    },
  };
}
