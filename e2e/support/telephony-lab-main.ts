// The telephony lab's agent inside its network namespace (see telephony-lab.ts, startNetnsLab):
// starts the local lab, prints {"ready": info}, then answers JSON-line commands on stdin
// ({id, cmd, args} → {id, ok, result|error}) until "stop" or the end of stdin.
import { createInterface } from 'node:readline';
import { startLocalLab, type TelephonyLab } from './telephony-lab';
import type { SippOptions } from '../../test-support/sipp/sipp';

const out = (msg: unknown) => process.stdout.write(JSON.stringify(msg) + '\n');

async function main(): Promise<void> {
  const opts = JSON.parse(process.env.PRONTO_TEL_LAB_OPTS ?? '{}') as { customers?: number; seed?: number; dataDir?: string; user?: string; agents?: number };
  let lab: TelephonyLab;
  try {
    lab = await startLocalLab({ ...opts, log: (line) => out({ log: line }) });
  } catch (err) {
    out({ fatal: (err as Error).stack ?? String(err) });
    process.exit(1);
  }
  const { chromiumPath: _c, sipp: _s, udp: _u, pbx: _p, api: _a, cli: _l, stop: _t, bridgeCalls: _b, captureStart: _cs, captureStop: _ct, ...info } = lab;
  out({ ready: info });

  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= lab.stop().then(() => process.exit(0)));

  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    let msg: { id: number; cmd: string; args: unknown };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    const reply = (p: Promise<unknown>) =>
      p.then(
        (result) => out({ id: msg.id, ok: true, result: result ?? null }),
        (err: unknown) => out({ id: msg.id, ok: false, error: (err as Error).message ?? String(err) }),
      );
    switch (msg.cmd) {
      case 'sipp':
        void reply(lab.sipp(msg.args as SippOptions));
        break;
      case 'udp':
        void reply(lab.udp(msg.args as string[]));
        break;
      case 'pbx':
        void reply(lab.pbx(msg.args as 'kill9' | 'restart' | 'dump' | 'logs'));
        break;
      case 'api': {
        const { method, input } = msg.args as { method: string; input: unknown };
        void reply(lab.api(method, input));
        break;
      }
      case 'cli':
        void reply(lab.cli(msg.args as string[]));
        break;
      case 'bridge':
        void reply(lab.bridgeCalls());
        break;
      case 'capture-start':
        void reply(lab.captureStart(msg.args as number[]));
        break;
      case 'capture-stop':
        void reply(lab.captureStop(msg.args as number[]));
        break;
      case 'stop':
        void stop();
        break;
      default:
        out({ id: msg.id, ok: false, error: `unknown command ${msg.cmd}` });
    }
  });
  rl.on('close', () => void stop());
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void stop());
}

void main();
