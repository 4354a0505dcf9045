/**
 * SIPp queue agents and callers for the queue tests and `bench:queue`, from the templates in
 * ./templates (SIPp's recv timeouts are fixed numbers, so each agent or caller profile gets its
 * own filled copy).
 *
 *   const a = await startAgent({ pbx, ext: '1001', answerMs: 300, talkMs: 2000 });
 *   const c = await startCaller({ pbx, caller: '+39021', number: '600', patienceMs: 10_000, talkMs: 30_000 });
 *   (await c.done).messageLog                       // what the caller saw, with times
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort, type PbxHandle } from '../pbx/pbx-process';
import { callRow, registerAgent, SIPP_DIR, startSipp, type SippRun } from './sipp';

const work = mkdtempSync(join(tmpdir(), 'pronto-sipp-templates-'));
let n = 0;

/** A template of ./templates with its {{NAME}} placeholders filled; returns the file's path. */
export function fillTemplate(name: 'uas-agent' | 'uas-agent-refer' | 'uac-queue-caller', vars: Record<string, number>): string {
  let text = readFileSync(join(SIPP_DIR, 'templates', `${name}.xml`), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{{${k}}}`, String(Math.max(1, Math.round(v))));
  const left = /\{\{([A-Z_]+)\}\}/.exec(text);
  if (left) throw new Error(`template ${name}: no value for ${left[1]}`);
  const file = join(work, `${name}-${++n}.xml`);
  writeFileSync(file, text);
  return file;
}

export interface AgentRun extends SippRun {
  ext: string;
  port: number;
}

/**
 * Registers `ext` from a free local port and answers its calls: after `answerMs` (or never, when
 * a CANCEL comes first), hanging up after `talkMs` unless the caller does first.
 */
export async function startAgent(o: {
  pbx: Pick<PbxHandle, 'udpPort'>;
  ext: string;
  answerMs: number;
  talkMs: number;
  calls?: number;
  timeoutS?: number;
  /** Blind-transfer every answered call to this extension after `talkMs` (REFER, then hang up). */
  transferTo?: string;
}): Promise<AgentRun> {
  const port = await freeUdpPort();
  const reg = await registerAgent({ pbxUdpPort: o.pbx.udpPort, user: o.ext, localPort: port });
  if (reg.code !== 0) throw new Error(`agent ${o.ext}: REGISTER failed (sipp ${reg.code}): ${reg.stderr.slice(0, 400)}`);
  const run = startSipp({
    scenario: 'custom',
    scenarioFile: o.transferTo
      ? fillTemplate('uas-agent-refer', { ANSWER_MS: o.answerMs, TALK_MS: o.talkMs, TARGET: Number(o.transferTo) })
      : fillTemplate('uas-agent', { ANSWER_MS: o.answerMs, TALK_MS: o.talkMs }),
    localPort: port,
    calls: o.calls ?? 100,
    timeoutS: o.timeoutS ?? 60,
    // SIPp binds an RTP socket from 6000 up: many SIPp processes run out of that range
    extraArgs: ['-mp', String(await freeUdpPort())],
  });
  return { ...run, ext: o.ext, port };
}

/** Unregisters an agent's contact (REGISTER Expires: 0 from its port). */
export async function unregisterAgent(o: { pbx: Pick<PbxHandle, 'udpPort'>; ext: string; port: number }): Promise<void> {
  const r = await registerAgent({ pbxUdpPort: o.pbx.udpPort, user: o.ext, localPort: o.port, expires: 0 });
  if (r.code !== 0) throw new Error(`agent ${o.ext}: unREGISTER failed (sipp ${r.code})`);
}

/**
 * One caller (or `calls` callers at `rate` per second) into `number`: waits up to `patienceMs` for
 * an answer (then CANCELs), talks `talkMs` unless the agent hangs up first; a 480 ends it too.
 */
export async function startCaller(o: {
  pbx: Pick<PbxHandle, 'udpPort'>;
  caller: string;
  number: string;
  patienceMs: number;
  talkMs: number;
  calls?: number;
  rate?: number;
  timeoutS?: number;
}): Promise<SippRun> {
  return startSipp({
    scenario: 'custom',
    scenarioFile: fillTemplate('uac-queue-caller', { PATIENCE_MS: o.patienceMs, TALK_MS: o.talkMs }),
    remote: o.pbx.udpPort,
    csv: [callRow({ caller: o.caller, target: o.number })],
    calls: o.calls ?? 1,
    rate: o.rate,
    timeoutS: o.timeoutS ?? Math.ceil((o.patienceMs + o.talkMs) / 1000) + 15,
    extraArgs: ['-mp', String(await freeUdpPort())],
  });
}
