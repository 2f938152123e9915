import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { asPayload, type PayloadShape, runMutation } from '../../shared/graphql/mutation';
import { ConnectionArgs, pageRequest, toConnection } from '../../shared/graphql/relay';
import { Organization } from '../organization/organization.entity';
import * as service from './webhook.service';
import {
  CreateWebhookEndpointInput,
  DeleteWebhookEndpointPayload,
  RotateWebhookSecretInput,
  SetWebhookEndpointEnabledInput,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookDeliveryPayload,
  WebhookEndpoint,
  WebhookEndpointConnection,
  WebhookEndpointPayload,
  WebhookSecretPayload,
} from './webhook.types';

const secretPayload = (r: PayloadShape<{ endpoint: WebhookEndpoint; secret: string }>) =>
  Object.assign(new WebhookSecretPayload(), {
    endpoint: r.value?.endpoint ?? null,
    secret: r.value?.secret ?? null,
    errors: r.errors,
  });

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @Query(() => WebhookEndpointConnection, {
    description: 'The webhook endpoints of the unions you manage, in registration order.',
  })
  async webhookEndpoints(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context) {
    return toConnection(await service.listEndpoints(ctx, pageRequest(args)));
  }

  @FieldResolver(() => Organization, { description: 'The union whose subtree’s events are posted.' })
  async organization(@Root() e: WebhookEndpoint, @Ctx() ctx: Context): Promise<Organization> {
    return (await ctx.loaders.organizationById.load(e.organizationId))!;
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'The delivery log, oldest first.' })
  async deliveries(
    @Root() e: WebhookEndpoint,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ) {
    return toConnection(await service.listDeliveries(ctx, e.id, pageRequest(args)));
  }

  @Mutation(() => WebhookSecretPayload, {
    description: 'Registers a webhook endpoint for a union you manage; the answer shows its secret once.',
  })
  async createWebhookEndpoint(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateWebhookEndpointInput,
    @Ctx() ctx: Context,
  ) {
    return secretPayload(await runMutation(ctx, (em) => service.createEndpoint(ctx, em, input)));
  }

  @Mutation(() => WebhookSecretPayload, {
    description:
      'Gives an endpoint a new secret; the old one keeps signing too for a while (both signatures are sent).',
  })
  async rotateWebhookSecret(
    @Arg('input', { description: 'What to do; see the input type.' }) input: RotateWebhookSecretInput,
    @Ctx() ctx: Context,
  ) {
    return secretPayload(await runMutation(ctx, (em) => service.rotateSecret(ctx, em, input)));
  }

  @Mutation(() => WebhookEndpointPayload, { description: 'Enables or disables a webhook endpoint.' })
  async setWebhookEndpointEnabled(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SetWebhookEndpointEnabledInput,
    @Ctx() ctx: Context,
  ) {
    const r = await runMutation(ctx, (em) => service.setEnabled(ctx, em, input));
    if (r.value?.enabled) ctx.webhooks.poke();
    return asPayload(WebhookEndpointPayload, r);
  }

  @Mutation(() => DeleteWebhookEndpointPayload, {
    description: 'Deletes a webhook endpoint with its delivery log.',
  })
  async deleteWebhookEndpoint(
    @Arg('id', () => ID, { description: 'The endpoint.' }) id: string,
    @Ctx() ctx: Context,
  ) {
    const r = await runMutation(ctx, (em) => service.deleteEndpoint(ctx, em, id));
    return Object.assign(new DeleteWebhookEndpointPayload(), { deletedId: r.value, errors: r.errors });
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => [WebhookAttempt], { description: 'Every attempt, oldest first (the last 100).' })
  async attempts(@Root() d: WebhookDelivery, @Ctx() ctx: Context): Promise<WebhookAttempt[]> {
    return service.attemptsOf(ctx, d.id);
  }

  @Mutation(() => WebhookDeliveryPayload, {
    description: 'Sends a delivery again now, with a fresh retry schedule; its attempt log is kept.',
  })
  async resendWebhookDelivery(
    @Arg('id', () => ID, { description: 'The delivery.' }) id: string,
    @Ctx() ctx: Context,
  ) {
    const r = await runMutation(ctx, (em) => service.resendDelivery(ctx, em, id));
    if (r.value) ctx.webhooks.poke();
    return asPayload(WebhookDeliveryPayload, r);
  }
}
