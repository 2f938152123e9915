import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../shared/graphql/context';
import { asPayload, runMutation } from '../../shared/graphql/mutation';
import { Organization } from '../organization/organization.entity';
import { Account, ApiKey } from './account.entity';
import {
  AccountPayload,
  ApiKeyPayload,
  CreateAccountInput,
  CreateApiKeyInput,
  CreateApiKeyPayload,
  SetAccountActiveInput,
  SignInInput,
  SignInPayload,
  ViewerInfo,
  ViewerKind,
} from './account.types';
import * as service from './account.service';

@Resolver(() => Account)
export class AccountResolver {
  @Query(() => ViewerInfo, { description: 'Who the server takes the caller to be.' })
  async viewer(@Ctx() ctx: Context): Promise<ViewerInfo> {
    const v = ctx.viewer;
    if (v.kind === 'anonymous') {
      return { kind: ViewerKind.ANONYMOUS, account: null, role: null, organization: null, scopes: [] };
    }
    const organization = v.organizationId ? await ctx.loaders.organizationById.load(v.organizationId) : null;
    if (v.kind === 'apiKey') {
      return { kind: ViewerKind.API_KEY, account: null, role: null, organization, scopes: v.scopes };
    }
    const account = await ctx.loaders.accountById.load(v.accountId);
    return { kind: ViewerKind.ACCOUNT, account, role: v.role, organization, scopes: [] };
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'Union the account is bound to.' })
  async organization(@Root() account: Account, @Ctx() ctx: Context): Promise<Organization | null> {
    return account.organization ? ctx.loaders.organizationById.load(account.organization.id) : null;
  }

  @Mutation(() => SignInPayload, {
    description: 'Signs in with username and password; returns a bearer token.',
  })
  async signIn(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SignInInput,
    @Ctx() ctx: Context,
  ): Promise<SignInPayload> {
    const r = await runMutation(ctx, (em) => service.signIn(ctx, em, input));
    return {
      token: r.value?.token ?? null,
      expiresAt: r.value?.expiresAt ?? null,
      account: r.value?.account ?? null,
      errors: r.errors,
    };
  }

  @Mutation(() => AccountPayload, { description: 'Creates an account bound to a union you manage.' })
  async createAccount(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateAccountInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(AccountPayload, await runMutation(ctx, (em) => service.createAccount(ctx, em, input)));
  }

  @Mutation(() => AccountPayload, {
    description: 'Enables or disables an account you manage; takes effect at once.',
  })
  async setAccountActive(
    @Arg('input', { description: 'What to do; see the input type.' }) input: SetAccountActiveInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(
      AccountPayload,
      await runMutation(ctx, (em) => service.setAccountActive(ctx, em, input)),
    );
  }

  @Mutation(() => CreateApiKeyPayload, {
    description: 'Creates an API key for a third-party app; the secret is shown once.',
  })
  async createApiKey(
    @Arg('input', { description: 'What to do; see the input type.' }) input: CreateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiKeyPayload> {
    const r = await runMutation(ctx, (em) => service.createApiKey(ctx, em, input));
    return { apiKey: r.value?.apiKey ?? null, secret: r.value?.secret ?? null, errors: r.errors };
  }

  @Mutation(() => ApiKeyPayload, { description: 'Revokes an API key at once.' })
  async revokeApiKey(
    @Arg('id', () => ID, { description: 'Global ID of the object.' }) id: string,
    @Ctx() ctx: Context,
  ) {
    return asPayload(ApiKeyPayload, await runMutation(ctx, (em) => service.revokeApiKey(ctx, em, id)));
  }
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @FieldResolver(() => Organization, { description: 'Union whose subtree the key acts on.' })
  async organization(@Root() key: ApiKey, @Ctx() ctx: Context): Promise<Organization | null> {
    return ctx.loaders.organizationById.load(key.organization.id);
  }
}
