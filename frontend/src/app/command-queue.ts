// The page's commands run one after another, in the order they were given: each starts once the
// previous one was answered (or refused). A class clicking Listen then Connect must not see the
// connect arrive first, and behind a proxy with several instances (cluster mode) one request may
// take a longer way to the lab's instance than the next.
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Starts `command` when every earlier one has settled; settles as it does. */
  enqueue<T>(command: () => Promise<T>): Promise<T> {
    const result = this.tail.then(command, command);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
