import { withLastSteps } from '../db/last-steps';
import {
  CheckConstraintViolationException,
  ForeignKeyConstraintViolationException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, ObjectType, type ClassType } from 'type-graphql';
import { DomainError, ErrorCode, UserError } from '../errors';
import type { Context } from './context';
import { text } from '../i18n';

export interface PayloadShape<T> {
  errors: UserError[];
  value: T | null;
}

/**
 * The one way a change is committed: `work` runs in one transaction, the events it recorded
 * (`ctx.events`) are written as outbox rows at its end, in it, and go to their reactions once it
 * has committed; a rollback drops them.
 */
export async function inTransaction<T>(ctx: Context, work: (em: EntityManager) => Promise<T>): Promise<T> {
  try {
    const value = await ctx.em.transactional((em) =>
      // The work, its outbox rows, then the steps it deferred to the end (audit appends).
      withLastSteps(em as EntityManager, async () => {
        const done = await work(em as EntityManager);
        await ctx.events.persist(em as EntityManager);
        return done;
      }),
    );
    ctx.events.committed();
    return value;
  } catch (err) {
    ctx.events.rolledBack();
    throw err;
  }
}

/**
 * Runs a mutation in one transaction (`inTransaction`). An expected failure (DomainError) rolls
 * everything back and comes out as payload `errors`. Anything else propagates as
 * a top-level error. (`submitMarks` does not use it: it commits mark by mark.)
 */
export async function runMutation<T>(
  ctx: Context,
  work: (em: EntityManager) => Promise<T>,
): Promise<PayloadShape<T>> {
  try {
    return { value: await inTransaction(ctx, work), errors: [] };
  } catch (err) {
    const expected = asDomainError(err);
    if (expected) {
      ctx.em.clear();
      return { value: null, errors: expected.errors };
    }
    throw err;
  }
}

/**
 * Builds `<Name>Payload { <field>: T, errors: [UserError!]! }`. The resolver
 * returns a PayloadShape; `value` is exposed under the given field name.
 */
export function Payload<T extends object>(type: ClassType<T>, name: string, field: string) {
  @ObjectType(`${name}Payload`, { description: `Result of a mutation on a ${type.name}.` })
  class PayloadType {
    @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
    errors!: UserError[];

    value!: T | null;
  }
  Object.defineProperty(PayloadType.prototype, field, {
    get(this: PayloadType) {
      return this.value;
    },
  });
  Field(() => type, {
    nullable: true,
    description: `The ${type.name} as it is after the mutation; null on failure.`,
  })(PayloadType.prototype, field);
  return PayloadType;
}

/** Resolvers return plain PayloadShape objects; this gives them the payload class's getter. */
export function asPayload<P extends object, T>(cls: ClassType<P>, shape: PayloadShape<T>): P {
  return Object.assign(Object.create(cls.prototype) as P, shape);
}

/**
 * Constraint violations are the database's last word on a rule a service
 * checked too (e.g. a concurrent duplicate); report them as expected failures.
 */
export function asDomainError(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err;
  if (err instanceof UniqueConstraintViolationException) {
    return new DomainError(ErrorCode.DUPLICATE, text('该记录已存在。', 'This already exists.'));
  }
  if (err instanceof CheckConstraintViolationException) {
    return new DomainError(
      ErrorCode.VALIDATION,
      text('某个值违反了记录的规则。', 'A value breaks a rule of the record.'),
    );
  }
  if (err instanceof ForeignKeyConstraintViolationException) {
    return new DomainError(
      ErrorCode.NOT_FOUND,
      text('引用的记录不存在。', 'A referenced record does not exist.'),
    );
  }
  return null;
}
