import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountResolver, ApiKeyResolver } from './modules/account/account.resolver';
import { AccountPersonResolver } from './modules/account/account-person';
import {
  CompetitionResolver,
  EntrantResolver,
  TeamResolver,
  TradeResolver,
} from './modules/competition/competition.resolver';
import { NodeResolver } from './modules/node/node.resolver';
import { OrganizationResolver } from './modules/organization/organization.resolver';
import { HonorResolver, PersonResolver } from './modules/person/person.resolver';
import { MarksResolver } from './modules/scoring/marks.resolver';
import {
  AspectScoreResolver,
  MarkOutcomeResolver,
  ModuleScoreResolver,
  ToleranceAlertResolver,
} from './modules/scoring/messages.resolver';
import { MarkingSchemeResolver } from './modules/scoring/scheme.resolver';
import { LotsResolver } from './modules/scoring/lots.resolver';
import { ResultsResolver } from './modules/scoring/results.resolver';
import { ReviewResolver } from './modules/scoring/review.resolver';
import { PanelResolver } from './modules/scoring/panel.resolver';
import { BoardResolver, CompetitionBoardResolver } from './modules/leaderboard/board.resolver';
import { AchievementResolver, AllianceResolver, StudioResolver } from './modules/studio/studio.resolver';
import {
  AllianceJoinRequestResolver,
  AllianceJoinRequestsResolver,
  StudioEventResolver,
  StudioLevelStepResolver,
  StudioLifeResolver,
  StudioReviewResolver,
} from './modules/studio/studio-life.resolver';
import {
  CampaignResolver,
  CampaignRoundResolver,
  EntrantSubmissionResolver,
} from './modules/campaign/campaign.resolver';
import {
  CompetitionDocumentsResolver,
  StudioDocumentsResolver,
  TradeDocumentsResolver,
} from './modules/documents/documents.resolver';
import { StatisticsResolver } from './modules/statistics/statistics.resolver';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './modules/webhook/webhook.resolver';
import { webhookNodes } from './modules/webhook/webhook.nodes';
import { guardRootFields } from './shared/access/policy';
import { UserErrorResolver } from './shared/graphql/user-error.resolver';
import { boundInputs } from './shared/security/input-bounds';
import type { PubSub } from './shared/graphql/pubsub';
import { nodeTypes } from './shared/graphql/nodes';
import { accountNodes } from './modules/account/account.nodes';
import { campaignNodes } from './modules/campaign/campaign.nodes';
import { competitionNodes } from './modules/competition/competition.nodes';
import { organizationNodes } from './modules/organization/organization.nodes';
import { personNodes } from './modules/person/person.nodes';
import { scoringNodes } from './modules/scoring/scoring.nodes';
import { studioNodes } from './modules/studio/studio.nodes';

export const resolvers = [
  NodeResolver,
  UserErrorResolver,
  AccountResolver,
  ApiKeyResolver,
  AccountPersonResolver,
  OrganizationResolver,
  PersonResolver,
  HonorResolver,
  CompetitionResolver,
  TradeResolver,
  EntrantResolver,
  TeamResolver,
  StatisticsResolver,
  TradeDocumentsResolver,
  StudioDocumentsResolver,
  CompetitionDocumentsResolver,
  MarkingSchemeResolver,
  MarksResolver,
  MarkOutcomeResolver,
  ToleranceAlertResolver,
  AspectScoreResolver,
  ModuleScoreResolver,
  LotsResolver,
  ResultsResolver,
  ReviewResolver,
  PanelResolver,
  BoardResolver,
  CompetitionBoardResolver,
  StudioResolver,
  AllianceResolver,
  AchievementResolver,
  StudioLifeResolver,
  StudioEventResolver,
  StudioLevelStepResolver,
  StudioReviewResolver,
  AllianceJoinRequestResolver,
  AllianceJoinRequestsResolver,
  CampaignResolver,
  CampaignRoundResolver,
  EntrantSubmissionResolver,
  WebhookEndpointResolver,
  WebhookDeliveryResolver,
] as const;

const ROOT_DESCRIPTIONS = {
  Query: 'Reads. What each caller sees follows their role and union.',
  Mutation:
    'Writes. Expected failures come back in each payload’s `errors`, and a failed mutation writes nothing; ' +
    'except `submitMarks`, which commits mark by mark: each mark has its own outcome, and a batch that stops part-way keeps the marks written before.',
  Subscription: 'Live updates over graphql-ws on the same `/graphql` path.',
} as const;

/** Every module's node types, for `node(id:)` and global ids. */
export function registerNodeTypes(): void {
  nodeTypes.add(
    ...organizationNodes,
    ...personNodes,
    ...accountNodes,
    ...competitionNodes,
    ...scoringNodes,
    ...studioNodes,
    ...campaignNodes,
    ...webhookNodes,
  );
}

export async function createSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  registerNodeTypes();
  const schema = await buildSchema({
    resolvers,
    pubSub,
    validate: false,
    emitSchemaFile: false,
  });
  guardRootFields(schema);
  // type-graphql has no option for root type descriptions.
  for (const [name, description] of Object.entries(ROOT_DESCRIPTIONS)) {
    const type = schema.getType(name);
    if (type) type.description = description;
  }
  // Every argument and input field gets a bound, stated in its description (src/shared/security).
  return boundInputs(schema);
}
