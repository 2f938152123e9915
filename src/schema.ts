import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountResolver, ApiKeyResolver } from './modules/account/account.resolver';
import {
  CompetitionResolver,
  EntrantResolver,
  TeamResolver,
  TradeResolver,
} from './modules/competition/competition.resolver';
import { NodeResolver } from './modules/node/node.resolver';
import { OrganizationResolver } from './modules/organization/organization.resolver';
import { HonorResolver, PersonResolver } from './modules/person/person.resolver';
import { StatisticsResolver } from './modules/statistics/statistics.resolver';
import { AccessGuard } from './shared/access/policy';
import type { PubSub } from './shared/graphql/pubsub';

export const resolvers = [
  NodeResolver,
  AccountResolver,
  ApiKeyResolver,
  OrganizationResolver,
  PersonResolver,
  HonorResolver,
  CompetitionResolver,
  TradeResolver,
  EntrantResolver,
  TeamResolver,
  StatisticsResolver,
] as const;

export async function createSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    pubSub,
    globalMiddlewares: [AccessGuard],
    validate: false,
    emitSchemaFile: false,
  });
}
