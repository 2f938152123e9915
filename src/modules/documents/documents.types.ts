import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../shared/errors';
import { Competition } from '../competition/competition.entity';

@ObjectType({ description: 'A short-lived link to download a printable document (PDF).' })
export class DocumentLink {
  @Field({
    description:
      'Path on this server to GET the file from, without a bearer token: the link carries its own signed permission.',
  })
  url!: string;

  @Field({ description: 'Suggested file name.' })
  filename!: string;

  @Field({ description: 'MIME type of the file.' })
  contentType!: string;

  @Field(() => Date, { description: 'When the link stops working.' })
  expiresAt!: Date;
}

@ObjectType({ description: 'How a competition’s award certificates (获奖证书) are worded and signed.' })
export class CertificateTemplateType {
  @Field({ description: 'Title printed at the top, e.g. 获奖证书 or 荣誉证书.' })
  title!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The awarding body printed at the foot; null prints the host union’s name.',
  })
  awardingBody!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The date as printed, e.g. 2026年12月; null prints the day results were published.',
  })
  dateText!: string | null;

  @Field({ description: 'Text inside the seal’s placeholder circle, e.g. （盖章）.' })
  sealText!: string;
}

@InputType({ description: 'Sets the wording of a competition’s award certificates.' })
export class SetCertificateTemplateInput {
  @Field(() => ID, { description: 'The competition.' })
  competitionId!: string;

  @Field({ description: 'Title printed at the top (at most 20 characters).' })
  title!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Awarding body (at most 100 characters); null for the host union’s name.',
  })
  awardingBody?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Date as printed (at most 30 characters); null for the publication day.',
  })
  dateText?: string | null;

  @Field(() => String, { nullable: true, description: 'Text in the seal placeholder; null for （盖章）.' })
  sealText?: string | null;
}

@ObjectType({ description: 'Result of setting a certificate template.' })
export class SetCertificateTemplatePayload {
  @Field(() => Competition, { nullable: true, description: 'The competition; null on failure.' })
  competition!: Competition | null;

  @Field(() => [UserError], { description: 'Problems with the input; empty on success.' })
  errors!: UserError[];
}
