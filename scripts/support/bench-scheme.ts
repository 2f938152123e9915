import type { MarkingScheme } from '../../src/modules/scoring/scheme';
import { validateScheme } from '../../src/modules/scoring/scheme-validation';

/** The bench trade's scheme: theory (one aspect) and practice (two aspects and a deduction). */
export function benchScheme(): MarkingScheme {
  const measurement = (code: string, description: string, maxMark: number, aggregation: object) => ({
    code,
    description,
    kind: 'MEASUREMENT',
    maxMark,
    aggregation,
    tolerance: null,
  });
  const { scheme, errors } = validateScheme({
    modules: [
      {
        code: 'T',
        name: '理论知识',
        weight: 30,
        criteria: [
          {
            code: 'T-1',
            name: '笔试',
            aspects: [measurement('T1', '理论考试成绩', 100, { method: 'MEAN' })],
          },
        ],
      },
      {
        code: 'P',
        name: '实际操作',
        weight: 70,
        criteria: [
          {
            code: 'P-1',
            name: '作品质量',
            aspects: [
              measurement('P1', '尺寸精度', 40, { method: 'TRIMMED_MEAN', trim: 1, minJudges: 3 }),
              measurement('P2', '外观质量', 30, { method: 'MEDIAN' }),
            ],
          },
          {
            code: 'P-2',
            name: '安全文明生产',
            aspects: [
              {
                code: 'P3',
                description: '违规操作扣分',
                kind: 'DEDUCTION',
                maxMark: 10,
                aggregation: { method: 'MEAN' },
                tolerance: null,
              },
            ],
          },
        ],
      },
    ],
  });
  if (!scheme) throw new Error(`the bench marking scheme is invalid: ${JSON.stringify(errors)}`);
  return scheme;
}
