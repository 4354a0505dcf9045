// A worker for worker-host.test.ts: each call exercises one part of the helpers.
import { workerChild } from './worker-child';
import { bundledWorkersDir } from './worker-host';

export interface FixtureProtocol {
  data: { greeting: string; hangOnStop?: boolean };
  calls: {
    echo(v: string): string;
    fail(message: string): void;
    slow(ms: number): number;
    tick(n: number): void;
    crash(): void;
    bundle(): string | null;
  };
  events: { tick: number; stopping: undefined };
}

const worker = workerChild<FixtureProtocol>();
const { greeting, hangOnStop } = worker.data;
worker.serve(
  {
    echo: (v) => `${greeting} ${v}`,
    fail: (message) => {
      throw new Error(message);
    },
    slow: (ms) => new Promise((r) => setTimeout(() => r(ms), ms)),
    tick: (n) => {
      for (let i = 0; i < n; i++) worker.emit('tick', i);
    },
    crash: () => {
      setImmediate(() => {
        throw new Error('the fixture crashed');
      });
    },
    bundle: () => bundledWorkersDir(),
  },
  {
    async stop(callsInHand) {
      worker.emit('stopping');
      if (hangOnStop) setInterval(() => {}, 1000); // never ends on its own
      await callsInHand();
    },
  },
);
