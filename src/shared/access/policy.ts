import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { Role } from './role';
import { forbidden, unauthenticated } from '../errors';
import type { Context } from '../graphql/context';
import { type ApiScope, type Viewer } from './viewer';
import { text } from '../i18n';

/**
 * Who may call each root operation. This table is the single gate every query,
 * mutation and subscription passes through, on HTTP and WebSocket alike; a root
 * field missing from it is refused (fail closed). Object-level rules (which
 * union's data) are applied by `Access` (access.ts), called from services.
 */
type Rule = {
  /** Anyone, including anonymous callers and judges. */
  public?: boolean;
  /** Account roles allowed (PLATFORM_ADMIN is always allowed). */
  roles?: Role[];
  /** Scope an API key needs; keys are refused when absent. */
  scope?: ApiScope;
};

const MANAGERS = [Role.ORGANIZER];

export const POLICY: Record<'Query' | 'Mutation' | 'Subscription', Record<string, Rule>> = {
  Query: {
    node: { public: true },
    nodes: { public: true },
    viewer: { public: true },
    organization: { public: true, scope: 'organizations:read' },
    organizations: { public: true, scope: 'organizations:read' },
    person: { roles: MANAGERS, scope: 'people:read' },
    people: { roles: MANAGERS, scope: 'people:read' },
    competition: { public: true, scope: 'competitions:read' },
    competitions: { public: true, scope: 'competitions:read' },
    trade: { public: true, scope: 'competitions:read' },
    team: { roles: MANAGERS, scope: 'competitions:read' },
    unionStatistics: { roles: MANAGERS, scope: 'statistics:read' },
    studio: { public: true, scope: 'organizations:read' },
    studios: { public: true, scope: 'organizations:read' },
    studioRegistryFile: { public: true, scope: 'organizations:read' },
    studioStatistics: { roles: MANAGERS, scope: 'statistics:read' },
    verifyAuditChain: { roles: [Role.ORGANIZER, Role.CHIEF_JUDGE] },
    entrantMarksAsOf: { roles: [Role.ORGANIZER, Role.CHIEF_JUDGE] },
    webhookEndpoints: { roles: MANAGERS, scope: 'webhooks:write' },
  },
  Mutation: {
    signIn: { public: true },
    createAccount: { roles: MANAGERS },
    setAccountActive: { roles: MANAGERS },
    linkAccountPerson: { roles: MANAGERS },
    createApiKey: { roles: MANAGERS },
    revokeApiKey: { roles: MANAGERS },
    createOrganization: { roles: MANAGERS, scope: 'organizations:write' },
    updateOrganization: { roles: MANAGERS, scope: 'organizations:write' },
    moveOrganization: { roles: MANAGERS, scope: 'organizations:write' },
    createPerson: { roles: MANAGERS, scope: 'people:write' },
    updatePerson: { roles: MANAGERS, scope: 'people:write' },
    addHonor: { roles: MANAGERS, scope: 'people:write' },
    removeHonor: { roles: MANAGERS, scope: 'people:write' },
    createCompetition: { roles: MANAGERS, scope: 'competitions:write' },
    updateCompetition: { roles: MANAGERS, scope: 'competitions:write' },
    transitionCompetition: { roles: MANAGERS, scope: 'competitions:write' },
    createTrade: { roles: MANAGERS, scope: 'competitions:write' },
    updateTrade: { roles: MANAGERS, scope: 'competitions:write' },
    createTeam: { roles: MANAGERS, scope: 'competitions:write' },
    registerEntrant: { roles: MANAGERS, scope: 'competitions:write' },
    setEntrantStatus: { roles: MANAGERS, scope: 'competitions:write' },
    importEntrants: { roles: MANAGERS, scope: 'competitions:write' },
    setMarkingScheme: { roles: MANAGERS, scope: 'competitions:write' },
    assignJudge: { roles: MANAGERS, scope: 'competitions:write' },
    declareConflict: { roles: [Role.ORGANIZER, Role.JUDGE, Role.CHIEF_JUDGE] },
    replaceJudge: { roles: MANAGERS, scope: 'competitions:write' },
    withdrawJudge: { roles: MANAGERS, scope: 'competitions:write' },
    voidJudgeMarks: { roles: [Role.CHIEF_JUDGE] },
    submitMarks: { roles: [Role.JUDGE, Role.CHIEF_JUDGE] },
    lockMarks: { roles: [Role.CHIEF_JUDGE] },
    unlockMarks: { roles: [Role.CHIEF_JUDGE] },
    drawLots: { roles: [Role.ORGANIZER, Role.CHIEF_JUDGE] },
    setResultsRules: { roles: MANAGERS, scope: 'competitions:write' },
    setCertificateTemplate: { roles: MANAGERS, scope: 'competitions:write' },
    recordCompletionTime: { roles: [Role.CHIEF_JUDGE] },
    drawRecheck: { roles: [Role.CHIEF_JUDGE] },
    recordRecheck: { roles: [Role.CHIEF_JUDGE] },
    publishResults: { roles: MANAGERS, scope: 'competitions:write' },
    finalizeResults: { roles: MANAGERS, scope: 'competitions:write' },
    fileAppeal: { roles: MANAGERS },
    resolveAppeal: { roles: [Role.CHIEF_JUDGE] },
    setBoardFreeze: { roles: MANAGERS, scope: 'competitions:write' },
    revealBoard: { roles: MANAGERS, scope: 'competitions:write' },
    applyStudio: { roles: MANAGERS, scope: 'organizations:write' },
    transitionStudio: { roles: MANAGERS, scope: 'organizations:write' },
    assessStudio: { roles: MANAGERS, scope: 'organizations:write' },
    setStudioMember: { roles: MANAGERS, scope: 'organizations:write' },
    createAlliance: { roles: MANAGERS, scope: 'organizations:write' },
    recordAchievement: { roles: MANAGERS, scope: 'organizations:write' },
    promoteStudio: { roles: MANAGERS, scope: 'organizations:write' },
    reviewStudio: { roles: MANAGERS, scope: 'organizations:write' },
    joinAlliance: { roles: MANAGERS, scope: 'organizations:write' },
    decideAllianceJoin: { roles: MANAGERS, scope: 'organizations:write' },
    leaveAlliance: { roles: MANAGERS, scope: 'organizations:write' },
    setAllianceJoinApproval: { roles: MANAGERS, scope: 'organizations:write' },
    createCampaign: { roles: MANAGERS, scope: 'competitions:write' },
    addRound: { roles: MANAGERS, scope: 'competitions:write' },
    submitEntry: { roles: MANAGERS, scope: 'competitions:write' },
    reviewEligibility: { roles: MANAGERS, scope: 'competitions:write' },
    assignReviewers: { roles: MANAGERS, scope: 'competitions:write' },
    setReviewers: { roles: MANAGERS, scope: 'competitions:write' },
    advanceRound: { roles: [Role.ORGANIZER, Role.CHIEF_JUDGE] },
    createWebhookEndpoint: { roles: MANAGERS, scope: 'webhooks:write' },
    rotateWebhookSecret: { roles: MANAGERS, scope: 'webhooks:write' },
    setWebhookEndpointEnabled: { roles: MANAGERS, scope: 'webhooks:write' },
    deleteWebhookEndpoint: { roles: MANAGERS, scope: 'webhooks:write' },
    resendWebhookDelivery: { roles: MANAGERS, scope: 'webhooks:write' },
  },
  Subscription: {
    competitionStatusChanged: { public: true, scope: 'competitions:read' },
    toleranceBreached: { roles: [Role.ORGANIZER, Role.CHIEF_JUDGE] },
    boardUpdates: { public: true, scope: 'competitions:read' },
  },
};

export function checkRule(viewer: Viewer, rule: Rule | undefined, operation: string): void {
  if (!rule) {
    throw forbidden(text(`未声明 ${operation} 的访问规则。`, `No access rule is declared for ${operation}.`));
  }
  if (viewer.kind === 'apiKey') {
    if (rule.scope && viewer.scopes.includes(rule.scope)) return;
    if (rule.public && !rule.scope) return;
    throw forbidden(
      text(
        `该 API 密钥缺少调用 ${operation} 所需的权限范围 ${rule.scope ?? '（无任何范围授予）'}。`,
        `This API key lacks the scope ${rule.scope ?? '(none grants it)'} for ${operation}.`,
      ),
    );
  }
  if (rule.public) return;
  if (viewer.kind === 'anonymous') throw unauthenticated();
  if (viewer.role === Role.PLATFORM_ADMIN) return;
  if (rule.roles?.includes(viewer.role)) return;
  throw forbidden(
    text(`角色 ${viewer.role} 无权调用 ${operation}。`, `Role ${viewer.role} may not call ${operation}.`),
  );
}

/**
 * Applies the table to every root field of the built schema by wrapping its resolver. Only root
 * fields: a type-graphql global middleware would wrap every field of every object too, and turn
 * each plain property read (200 of them on a 50-row board page) into a chain of promises.
 */
export function guardRootFields(schema: GraphQLSchema): void {
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!type) continue;
    const rules = POLICY[type.name as keyof typeof POLICY];
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const operation = `${type.name}.${field.name}`;
      const rule = rules[field.name];
      field.resolve = (source, args, context: Context, info) => {
        checkRule(context.viewer, rule, operation);
        return resolve(source, args, context, info);
      };
    }
  }
}

/**
 * Subscriptions resolve their source in `subscribe`, before the guarded
 * resolver runs, so the same table is applied there explicitly.
 */
export function guardSubscribe<A>(
  field: string,
  subscribe: (args: A, ctx: Context) => Promise<AsyncIterable<unknown>>,
): (resolverData: { args: A; context: unknown }) => Promise<AsyncIterable<unknown>> {
  return async ({ args, context }) => {
    const ctx = context as Context;
    checkRule(ctx.viewer, POLICY.Subscription[field], `Subscription.${field}`);
    return subscribe(args, ctx);
  };
}
