import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../graphql/context';
import { RecentReads } from './recent';
import { SharedAnswers, sharedAnonymousReads } from './shared-reads';

/**
 * The performance machinery behind one seam: reads shared among anonymous callers for a moment
 * (rows for the loaders, whole answers for Apollo), and subscription events executed once and
 * written straight to the screens' sockets (graphql-ws's `subscribe`). Domain code never calls
 * it: the composition root wires `forget` to every commit and every change heard.
 */
export class ReadCaches extends RecentReads {
  /** Whole answers to anonymous queries, shared by both HTTP paths. */
  readonly shared = new SharedAnswers(this.answers);

  /** Apollo's side of the shared answers. */
  plugin(): ApolloServerPlugin<Context> {
    return sharedAnonymousReads(this.shared);
  }
}

export { fanoutStats, sharedSubscribe, withDirectDelivery, type DirectDelivery } from './fanout';
export type { Recent, RecentEntities } from './recent';
export { SharedAnswers, type Claim, type Lookup } from './shared-reads';
