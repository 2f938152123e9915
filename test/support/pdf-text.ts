import { execFile } from 'node:child_process';
import path from 'node:path';

// unpdf loads PDF.js with a dynamic import, which jest's VM refuses without
// --experimental-vm-modules; a plain Node child process reads the PDF instead.
const SCRIPT = `
const { extractText, getDocumentProxy } = require(${JSON.stringify(require.resolve('unpdf'))});
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
  const { text, totalPages } = await extractText(pdf, { mergePages: true });
  process.stdout.write(JSON.stringify({ text, pages: totalPages }));
});
`;

/** The text of a PDF (pages joined) and its page count, as a PDF reader extracts them. */
export function pdfText(pdf: Buffer): Promise<{ text: string; pages: number }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', SCRIPT],
      { cwd: path.resolve(__dirname, '../..'), maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`PDF text extraction failed: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout) as { text: string; pages: number });
      },
    );
    child.stdin!.end(pdf);
  });
}
