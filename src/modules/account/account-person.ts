import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from 'type-graphql';
import { checkReference } from '../../shared/access/references';
import { DomainError, ErrorCode, Problems } from '../../shared/errors';
import type { Context } from '../../shared/graphql/context';
import { asPayload, runMutation } from '../../shared/graphql/mutation';
import { decodeId } from '../../shared/validation';
import { Person } from '../person/person.entity';
import { canSeePerson } from '../person/person.service';
import { Account } from './account.entity';
import { AccountPayload } from './account.types';
import { text } from '../../shared/i18n';

/**
 * Accounts linked to people: the person record behind a judge's or expert's account gives the
 * employer, so the own-employer conflict rule (a judge never marks an entrant of the judge's own
 * employer or a unit under it) applies to every judge and expert, whoever created the account.
 */

/**
 * The person to link, by global ID. A person outside the caller's subtree is refused exactly
 * like one that does not exist (NOT_FOUND): an organizer learns nothing about the neighbours.
 */
export async function personToLink(
  ctx: Context,
  em: EntityManager,
  globalId: string,
  field: string,
): Promise<Person> {
  const p = new Problems();
  const id = decodeId(p, field, globalId, 'Person');
  p.throwIfAny();
  const person = await em.findOne(Person, { id }, { populate: ['employer'] });
  if (!person || !ctx.access.manages(person.employer.getEntity().path)) {
    throw new DomainError(ErrorCode.NOT_FOUND, text('查无此人。', 'No such person.'), field);
  }
  return person;
}

@InputType({ description: 'Links a sign-in account to the person record of its holder, or unlinks it.' })
export class LinkAccountPersonInput {
  @Field(() => ID, { description: 'The account: bound to a union you manage.' })
  accountId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The person, employed within your subtree; null to unlink.',
  })
  personId?: string | null;
}

export async function linkAccountPerson(
  ctx: Context,
  em: EntityManager,
  input: LinkAccountPersonInput,
): Promise<Account> {
  const p = new Problems();
  const accountId = decodeId(p, 'input.accountId', input.accountId, 'Account');
  p.throwIfAny();
  // An account outside the caller's subtree is refused like a missing one.
  await checkReference(ctx.access, em, 'Account', 'input.accountId', accountId, 'manage');
  const account = await em.findOneOrFail(Account, { id: accountId });
  account.person = input.personId ? ref(await personToLink(ctx, em, input.personId, 'input.personId')) : null;
  await em.flush();
  return account;
}

@Resolver(() => Account)
export class AccountPersonResolver {
  @FieldResolver(() => Person, {
    nullable: true,
    description:
      'The person record of the account’s holder (its employer drives the own-employer conflict rule). ' +
      'Shown to those who may see the person (who manage the employer); null otherwise or when not linked.',
  })
  async person(@Root() account: Account, @Ctx() ctx: Context): Promise<Person | null> {
    if (!account.person) return null;
    const person = await ctx.loaders.personById.load(account.person.id);
    return person && (await canSeePerson(ctx, person)) ? person : null;
  }

  @Mutation(() => AccountPayload, {
    description:
      'Links an account you manage to a person employed within your subtree (or unlinks it with a null ' +
      '`personId`). From then on the own-employer conflict rule applies to the account as judge or expert.',
  })
  async linkAccountPerson(
    @Arg('input', { description: 'What to do; see the input type.' }) input: LinkAccountPersonInput,
    @Ctx() ctx: Context,
  ) {
    return asPayload(AccountPayload, await runMutation(ctx, (em) => linkAccountPerson(ctx, em, input)));
  }
}
