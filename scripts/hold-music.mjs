// Writes deploy/kamailio/media/hold-music.wav: 8 s of a soft arpeggio, 8 kHz 16-bit mono PCM
// (what rtpengine plays to a trunk caller on hold; G.711 is 8 kHz, so nothing is resampled).
// Generated rather than downloaded: no licence question, and anyone can change the tune.
//   node scripts/hold-music.mjs [out.wav]
import { writeFileSync } from 'node:fs';

const RATE = 8000;
const SECONDS = 8;
const NOTES = [261.63, 329.63, 392.0, 523.25, 392.0, 329.63]; // C E G C' G E
const n = RATE * SECONDS;
const pcm = Buffer.alloc(n * 2);
const noteLen = RATE / 2; // half a second per note
for (let i = 0; i < n; i++) {
  const k = Math.floor(i / noteLen);
  const t = (i % noteLen) / RATE;
  const f = NOTES[k % NOTES.length];
  const env = Math.min(1, t * 40) * Math.exp(-t * 3); // soft attack, decay
  const v = env * 0.35 * (Math.sin(2 * Math.PI * f * t) + 0.3 * Math.sin(4 * Math.PI * f * t));
  pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), i * 2);
}
const h = Buffer.alloc(44);
h.write('RIFF', 0);
h.writeUInt32LE(36 + pcm.length, 4);
h.write('WAVE', 8);
h.write('fmt ', 12);
h.writeUInt32LE(16, 16);
h.writeUInt16LE(1, 20); // PCM
h.writeUInt16LE(1, 22); // mono
h.writeUInt32LE(RATE, 24);
h.writeUInt32LE(RATE * 2, 28);
h.writeUInt16LE(2, 32);
h.writeUInt16LE(16, 34);
h.write('data', 36);
h.writeUInt32LE(pcm.length, 40);
const out = process.argv[2] ?? new URL('../deploy/kamailio/media/hold-music.wav', import.meta.url);
writeFileSync(out, Buffer.concat([h, pcm]));
