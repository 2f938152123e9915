import { forbidden } from '../errors';
import { text, type Text } from '../i18n';
import { managedPath, pathWithin, type Viewer } from './viewer';

/** Object-level checks: does the viewer manage the union at `path`? */
export class Access {
  constructor(readonly viewer: Viewer) {}

  /** '*' (everything), a path, or null (nothing). */
  get managed(): string | '*' | null {
    return managedPath(this.viewer);
  }

  manages(path: string): boolean {
    const m = this.managed;
    if (m === '*') return true;
    return m !== null && pathWithin(path, m);
  }

  assertManages(path: string, what: Text = text('此项', 'this')): void {
    if (!this.manages(path))
      throw forbidden(
        text(
          `您不管理${what.zh}：它不在您所属工会的范围内。`,
          `You do not manage ${what.en}: it lies outside your union.`,
        ),
      );
  }

  get accountId(): number | null {
    return this.viewer.kind === 'account' ? this.viewer.accountId : null;
  }
}
