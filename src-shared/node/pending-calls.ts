// Requests to a worker thread that are answered by id (worker-host.ts, for every worker): each
// waits for its answer, and all of them fail at once if the thread ends.
export class PendingCalls<T> {
  private waiting = new Map<number, { resolve(v: T): void; reject(e: Error): void }>();
  private nextId = 1;

  /** Requests still waiting for an answer. */
  get size(): number {
    return this.waiting.size;
  }

  /** Registers a request; `send` posts it under the id it is given. */
  ask(send: (id: number) => void): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      send(id);
    });
  }

  /** The answer to request `id`: its value, or the error the thread reported. */
  settle(id: number, answer: { value: T } | { error: string }): void {
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    if (!w) return;
    if ('error' in answer) w.reject(new Error(answer.error));
    else w.resolve(answer.value);
  }

  /** The thread ended: every request still waiting fails with `err`. */
  failAll(err: Error): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of all) w.reject(err);
  }
}
