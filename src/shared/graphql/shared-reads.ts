import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { Context } from './context';
import type { Recent } from './recent';

/**
 * Anonymous queries over HTTP share their answers for `answers.ttlMs`: the same document with the
 * same variables, asked by any anonymous caller, gets the answer computed for the first one, as
 * long as nothing was committed in this process and no board change was heard since (see
 * `RecentReads`). A union app with a million workers polling the same board costs one execution per
 * board version and window, not one per worker. Answers with errors are never shared (an outage
 * must not outlive itself), nor are mutations or anything asked with an identity.
 */
export function sharedAnonymousReads(answers: Recent<FormattedExecutionResult>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.viewer.kind !== 'anonymous' || answers.ttlMs <= 0) return;
      let key: string | null = null;
      let generation = 0;
      return {
        async responseForOperation({ operation, operationName, queryHash, request }) {
          if (operation.operation !== 'query' || !queryHash) return null;
          const candidate = `${queryHash}\u0000${operationName ?? ''}\u0000${JSON.stringify(request.variables ?? {})}`;
          const hit = answers.get(candidate);
          if (hit)
            return {
              http: { status: undefined, headers: new HeaderMap() },
              body: { kind: 'single', singleResult: hit },
            };
          // Kept only if no commit or change comes between this moment and the answer.
          key = candidate;
          generation = answers.generation;
          return null;
        },
        async willSendResponse({ response }) {
          if (key === null || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors?.length || (response.http.status ?? 200) !== 200) return;
          answers.set(key, result, generation);
        },
      };
    },
  };
}
