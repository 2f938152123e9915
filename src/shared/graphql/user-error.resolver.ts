import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { UserError } from '../errors';
import { DEFAULT_LANGUAGE, isText, type Language, type Text } from '../i18n';

/** A localized text in the caller's language (a plain string, language-neutral, as it is). */
export function inLanguage(message: Text | string, ctx: { language?: Language } | null | undefined): string {
  if (isText(message)) return message[ctx?.language ?? DEFAULT_LANGUAGE];
  return message;
}

/** Services build errors in both languages; the answer carries the caller's. */
@Resolver(() => UserError)
export class UserErrorResolver {
  @FieldResolver(() => String, { description: 'Human-readable explanation, in the caller’s language.' })
  message(@Root() error: UserError, @Ctx() ctx: { language?: Language }): string {
    return inLanguage(error.message, ctx);
  }
}
