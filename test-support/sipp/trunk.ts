/**
 * SIPp as a carrier trunk WITH AUDIO (uac-trunk-audio.xml: a customer calling in;
 * uas-trunk-audio.xml: the far end of an agent's call out). Both play A-law speech from their
 * media port; `seconds` longer than the shipped 7 s pcap gets a looped copy (long-pcap.ts).
 *
 *   const t = trunkScenario('uac-trunk-audio', 40);
 *   lab.sipp({ scenario: 'custom', scenarioFile: t.file, extraArgs: ['-mp', String(t.mediaPort)], … })
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_PCAP, writeLongPcap } from '../media/long-pcap';
import { SIPP_DIR } from './sipp';

const work = mkdtempSync(join(tmpdir(), 'pronto-sipp-trunk-'));
let n = 0;

/**
 * A media port for SIPp (the bridge uses 30000–39999). SIPp binds it and the next ones (audio,
 * its RTCP, video, video RTCP): ports a multiple of 4 apart never overlap.
 */
export function sippMediaPort(): number {
  return 40000 + 4 * Math.floor(Math.random() * 2450);
}

export function trunkScenario(name: 'uac-trunk-audio' | 'uas-trunk-audio', seconds = 7, mediaPort = sippMediaPort()): { file: string; mediaPort: number; pcap: string } {
  const id = ++n;
  const pcap = seconds > 7 ? writeLongPcap(join(work, `audio-${id}.pcap`), seconds) : SHIPPED_PCAP;
  const text = readFileSync(join(SIPP_DIR, `${name}.xml`), 'utf8').replaceAll(SHIPPED_PCAP, pcap);
  const file = join(work, `${name}-${id}.xml`);
  writeFileSync(file, text);
  return { file, mediaPort, pcap };
}

/** CSV row of uac-trunk-audio.xml: caller; dialed; codec list; an extra rtpmap line. */
export function trunkCallRow(o: { caller: string; target: string; codecs?: string; rtpmap?: string }): string {
  const v = [o.caller, o.target, o.codecs ?? '8 0 101', o.rtpmap ?? ''];
  for (const x of v) if (x.includes(';') || /[\r\n]/.test(x)) throw new Error(`SIPp CSV field cannot contain ';' or newlines: ${x}`);
  return v.join(';');
}
