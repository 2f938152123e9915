import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { UserError } from '../../shared/errors';

@ObjectType({
  description:
    'One lot drawing (抽签) of a trade. The seed stays secret until publication; its SHA-256 (the commitment) ' +
    'is public from the start, so anyone can later check the revealed seed and replay the draw.',
})
export class LotDraw {
  @Field(() => Int, { description: 'Draw number within the trade (later draws number late check-ins).' })
  seq!: number;

  @Field({ description: 'When it was drawn.' })
  drawnAt!: Date;

  @Field({ description: 'SHA-256 (hex) of the seed’s hex text.' })
  commitment!: string;

  @Field(() => Int, { description: 'Entrants numbered by this draw.' })
  entrantCount!: number;

  @Field(() => Int, { description: 'Digits of the numbers (the space is 1 … 10^digits − 1).' })
  digits!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The 32-byte seed (hex), once revealed at publication. Numbers: HMAC-SHA256(seed, "lots|<trade id>|<seq>|<block>") ' +
      'as a stream of big-endian uint32, rejection-sampled into 1 … 10^digits − 1, skipping numbers taken, ' +
      'given to entrants in ascending database id order.',
  })
  seed!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the seed was revealed.' })
  revealedAt!: Date | null;
}

@InputType({ description: 'Draws lots for a trade’s checked-in entrants without a number.' })
export class DrawLotsInput {
  @Field(() => ID, { description: 'The trade.' })
  tradeId!: string;
}

@ObjectType({ description: 'Result of a lot drawing.' })
export class DrawLotsPayload {
  @Field(() => LotDraw, { nullable: true, description: 'The draw; null on failure.' })
  draw!: LotDraw | null;

  @Field(() => [UserError], { description: 'Expected failures; empty on success.' })
  errors!: UserError[];
}
