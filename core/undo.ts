import type { Logger } from './ports';

/**
 * What a flow has created so far, undone in reverse order when a later step fails (so that,
 * for instance, a Rekognition user is deleted — disassociating its faces — before the faces).
 * Every action runs even when an earlier one fails; what could not be undone is logged with
 * its ids as a possible orphan and reported to the caller.
 */
export class Undo {
  private readonly actions: { what: string; run: () => Promise<unknown> }[] = [];

  push(what: string, run: () => Promise<unknown>): void {
    this.actions.push({ what, run });
  }

  get size(): number {
    return this.actions.length;
  }

  /** The flow committed: nothing is to be undone any more. */
  clear(): void {
    this.actions.length = 0;
  }

  async run(logger: Logger, context: Record<string, unknown>): Promise<string[]> {
    const failed: string[] = [];
    for (const action of this.actions.reverse()) {
      try {
        await action.run();
      } catch (error) {
        failed.push(action.what);
        logger.error('rollback step failed: possible orphan', { ...context, step: action.what, error: String(error) });
      }
    }
    this.actions.length = 0;
    return failed;
  }
}
