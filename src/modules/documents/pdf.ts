import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

// The font comes from the npm registry (Noto Sans SC, OFL); pdfkit embeds only the glyphs used.
const fontDir = path.dirname(
  createRequire(__filename).resolve('@expo-google-fonts/noto-sans-sc/package.json'),
);
const REGULAR = path.join(fontDir, '400Regular/NotoSansSC_400Regular.ttf');
const BOLD = path.join(fontDir, '700Bold/NotoSansSC_700Bold.ttf');

export type Pdf = PDFKit.PDFDocument;

/** A4 in points, 15 mm margins: black text on white, legible on any office printer. */
export const A4 = { width: 595.28, height: 841.89, margin: 42.5 };

export function newPdf(title: string, layout: 'portrait' | 'landscape' = 'portrait'): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    layout,
    margin: A4.margin,
    info: { Title: title, Producer: 'Jingsai', Creator: 'Jingsai' },
    // Pages stay buffered so the footer can number them once the page count is known.
    bufferPages: true,
  });
  doc.registerFont('regular', REGULAR);
  doc.registerFont('bold', BOLD);
  doc.font('regular').fontSize(10).fillColor('black').strokeColor('black');
  return doc;
}

export function toBuffer(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

export function heading(doc: Pdf, text: string, size = 18): void {
  doc.font('bold').fontSize(size).text(text, { align: 'center' });
  doc.moveDown(0.4).font('regular').fontSize(10);
}

/** Label–value lines under a heading. */
export function facts(doc: Pdf, lines: [string, string][]): void {
  for (const [label, value] of lines) {
    doc.font('bold').text(`${label}：`, { continued: true }).font('regular').text(value);
  }
  doc.moveDown(0.5);
}

export interface Column {
  title: string;
  /** Share of the usable width. */
  width: number;
  align?: 'left' | 'center' | 'right';
}

/**
 * A ruled table; the header repeats on each new page. Cells wrap; a row grows to its tallest cell.
 */
export function table(doc: Pdf, columns: Column[], rows: string[][]): void {
  const left = doc.page.margins.left;
  const usable = doc.page.width - left - doc.page.margins.right;
  const total = columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => (c.width / total) * usable);
  const pad = 3;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(9);
    const heights = cells.map((text, i) => doc.heightOfString(text, { width: widths[i]! - 2 * pad }));
    const h = Math.max(14, ...heights) + 2 * pad;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom - 20) {
      doc.addPage();
      if (!bold)
        drawRow(
          columns.map((c) => c.title),
          true,
        );
    }
    const y = doc.y;
    let x = left;
    cells.forEach((text, i) => {
      doc.rect(x, y, widths[i]!, h).lineWidth(0.6).stroke();
      doc.text(text, x + pad, y + pad, {
        width: widths[i]! - 2 * pad,
        align: columns[i]!.align ?? 'left',
        lineBreak: true,
      });
      x += widths[i]!;
    });
    doc.x = left;
    doc.y = y + h;
  };
  drawRow(
    columns.map((c) => c.title),
    true,
  );
  for (const r of rows) drawRow(r, false);
  doc.font('regular').fontSize(10).moveDown(0.8);
}

/** A line to sign on per signer, with the role printed under it. */
export function signatureLines(doc: Pdf, signers: { role: string; name: string }[]): void {
  const left = doc.page.margins.left;
  const usable = doc.page.width - left - doc.page.margins.right;
  const perRow = 3;
  const w = usable / perRow;
  for (let i = 0; i < signers.length; i += perRow) {
    if (doc.y + 50 > doc.page.height - doc.page.margins.bottom - 20) doc.addPage();
    const y = doc.y + 22;
    signers.slice(i, i + perRow).forEach((s, j) => {
      const x = left + j * w;
      doc.fontSize(10).text(`${s.role}签字：`, x, y - 12, { width: w - 10, lineBreak: false });
      doc
        .moveTo(x + 60, y)
        .lineTo(x + w - 12, y)
        .lineWidth(0.6)
        .stroke();
      doc.fontSize(8).text(s.name, x + 60, y + 3, { width: w - 72, lineBreak: false });
    });
    doc.x = left;
    doc.y = y + 20;
  }
  doc.fontSize(10);
}

/** Page numbers and a line of provenance at the foot of every page. */
export function footer(doc: Pdf, text: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(7)
      .text(`${text}  第 ${i + 1} / ${range.count} 页`, doc.page.margins.left, doc.page.height - 28, {
        width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}

/** A date as printed on Chinese documents, in China's time zone: 2026年12月5日 14:30. */
export function chineseDate(d: Date | null | undefined, withTime = true): string {
  if (!d) return '—';
  const parts = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const date = `${get('year')}年${get('month')}月${get('day')}日`;
  return withTime ? `${date} ${get('hour')}:${get('minute')}` : date;
}
