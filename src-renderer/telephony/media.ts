// Audio around the calls: the ring tone (WebAudio, no asset), the remote audio elements with the
// chosen speaker (setSinkId where the browser has it), the microphone choice, device lists,
// and a call's RTP counters.
import { Web, type Session } from 'sip.js';
import { useTelephony, type Devices } from './store';

const DEVICE_KEY = 'pronto.softphone.devices';

// ---- ring tone ---------------------------------------------------------------------------

let ctx: AudioContext | null = null;
let ringTimer: ReturnType<typeof setInterval> | null = null;
let ringMode: 'ring' | 'waiting' | null = null;

function audioContext(): AudioContext | null {
  try {
    if (!ctx) {
      const AC = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!AC) return null;
      ctx = new AC();
    }
    if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
    return ctx;
  } catch {
    return null;
  }
}

/** Autoplay rules: the first click anywhere lets the ring tone play from then on. */
export function unlockAudioOnGesture(): () => void {
  const unlock = () => {
    audioContext();
  };
  window.addEventListener('pointerdown', unlock, { capture: true });
  window.addEventListener('keydown', unlock, { capture: true });
  return () => {
    window.removeEventListener('pointerdown', unlock, { capture: true });
    window.removeEventListener('keydown', unlock, { capture: true });
  };
}

function burst(ac: AudioContext, at: number, freqs: number[], seconds: number, gainValue: number): void {
  const gain = ac.createGain();
  gain.gain.setValueAtTime(0, at);
  gain.gain.linearRampToValueAtTime(gainValue, at + 0.02);
  gain.gain.setValueAtTime(gainValue, at + seconds - 0.03);
  gain.gain.linearRampToValueAtTime(0, at + seconds);
  gain.connect(ac.destination);
  for (const f of freqs) {
    const osc = ac.createOscillator();
    osc.type = 'sine';
    osc.frequency.value = f;
    osc.connect(gain);
    osc.start(at);
    osc.stop(at + seconds + 0.01);
  }
}

function ringOnce(mode: 'ring' | 'waiting'): void {
  const ac = audioContext();
  if (!ac || ac.state !== 'running') return;
  const t = ac.currentTime + 0.01;
  if (mode === 'ring') {
    // two short double-rings, European-ish cadence, not too loud
    burst(ac, t, [440, 480], 0.4, 0.12);
    burst(ac, t + 0.6, [440, 480], 0.4, 0.12);
  } else {
    // call waiting while talking: one discreet beep
    burst(ac, t, [440], 0.2, 0.05);
  }
}

/** Ring while calls ring: a full ring when idle, a discreet beep when already in a call. */
export function setRinging(mode: 'ring' | 'waiting' | null): void {
  if (mode === ringMode) return;
  ringMode = mode;
  if (ringTimer) clearInterval(ringTimer);
  ringTimer = null;
  if (!mode) return;
  ringOnce(mode);
  ringTimer = setInterval(() => ringOnce(mode), mode === 'ring' ? 3000 : 5000);
}

export function testRinger(): void {
  audioContext();
  setTimeout(() => ringOnce('ring'), 50);
}

// ---- remote audio ------------------------------------------------------------------------

const elements = new Map<string, HTMLAudioElement>();

export function sinkSupported(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

async function applySink(el: HTMLAudioElement, outputId: string): Promise<void> {
  if (!sinkSupported()) return;
  try {
    await (el as HTMLAudioElement & { setSinkId(id: string): Promise<void> }).setSinkId(outputId);
  } catch (err) {
    console.warn('pronto: cannot route audio to the chosen speaker', err);
  }
}

/** Plays a call's remote stream (re-used per call id). */
export function playRemote(callId: string, stream: MediaStream): void {
  let el = elements.get(callId);
  if (!el) {
    el = document.createElement('audio');
    el.autoplay = true;
    el.dataset.callId = callId;
    el.setAttribute('data-testid', 'call-audio');
    el.hidden = true;
    document.body.appendChild(el);
    elements.set(callId, el);
  }
  if (el.srcObject !== stream) el.srcObject = stream;
  void applySink(el, useTelephony.getState().devices.outputId);
  void el.play().catch(() => {
    /* autoplay refused until a click; the click that answered usually counts */
  });
}

export function stopRemote(callId: string): void {
  const el = elements.get(callId);
  if (!el) return;
  el.pause();
  el.srcObject = null;
  el.remove();
  elements.delete(callId);
}

export interface RtpCounts {
  rtpIn: number;
  rtpOut: number;
  /** Cumulative inbound audio energy: grows while we hear sound (e2e checks audio flows). */
  energyIn: number;
}

/**
 * An answered call's audio: plays its remote stream (again when a track arrives) and polls its
 * RTP counters once a second for the card. Returns the poll timer (null: no WebRTC media).
 */
export function startCallMedia(callId: string, session: Session, onStats: (counts: RtpCounts) => void): ReturnType<typeof setInterval> | null {
  const sdh = session.sessionDescriptionHandler;
  if (!(sdh instanceof Web.SessionDescriptionHandler)) return null;
  playRemote(callId, sdh.remoteMediaStream);
  sdh.peerConnectionDelegate = {
    ontrack: () => {
      try {
        playRemote(callId, sdh.remoteMediaStream);
      } catch (err) {
        console.warn('pronto softphone: ontrack failed', err);
      }
    },
  };
  const poll = async () => {
    const pc = sdh.peerConnection;
    if (!pc) return;
    let rtpIn = 0;
    let rtpOut = 0;
    let energyIn = 0;
    const stats = await pc.getStats();
    stats.forEach((r: { type?: string; kind?: string; packetsReceived?: number; packetsSent?: number; totalAudioEnergy?: number }) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio') {
        rtpIn += r.packetsReceived ?? 0;
        energyIn += r.totalAudioEnergy ?? 0;
      }
      if (r.type === 'outbound-rtp' && r.kind === 'audio') rtpOut += r.packetsSent ?? 0;
    });
    onStats({ rtpIn, rtpOut, energyIn });
  };
  return setInterval(() => void poll().catch(() => {}), 1000);
}

// ---- devices -----------------------------------------------------------------------------

export function micConstraints(): MediaStreamConstraints {
  const id = useTelephony.getState().devices.inputId;
  return { audio: id ? { deviceId: { exact: id } } : true, video: false };
}

export async function refreshDevices(): Promise<void> {
  const saved = loadSavedDevices();
  let list: MediaDeviceInfo[] = [];
  try {
    list = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
  } catch {
    list = [];
  }
  const pick = (kind: MediaDeviceKind) =>
    list
      .filter((d) => d.kind === kind && d.deviceId && d.deviceId !== 'default' && d.deviceId !== 'communications')
      .map((d, i) => ({ id: d.deviceId, label: d.label || `${kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` }));
  const inputs = pick('audioinput');
  const outputs = pick('audiooutput');
  const prev = useTelephony.getState().devices;
  const keep = (id: string, opts: { id: string }[]) => (id && opts.some((o) => o.id === id) ? id : '');
  const devices: Devices = {
    inputs,
    outputs,
    inputId: keep(prev.inputId || saved.inputId, inputs),
    outputId: keep(prev.outputId || saved.outputId, outputs),
    sinkSupported: sinkSupported(),
  };
  useTelephony.setState({ devices });
}

export function chooseDevices(patch: { inputId?: string; outputId?: string }): void {
  const devices = { ...useTelephony.getState().devices, ...patch };
  useTelephony.setState({ devices });
  try {
    localStorage.setItem(DEVICE_KEY, JSON.stringify({ inputId: devices.inputId, outputId: devices.outputId }));
  } catch {
    /* storage disabled */
  }
  if (patch.outputId !== undefined) for (const el of elements.values()) void applySink(el, devices.outputId);
}

function loadSavedDevices(): { inputId: string; outputId: string } {
  try {
    const v = JSON.parse(localStorage.getItem(DEVICE_KEY) ?? '{}') as { inputId?: unknown; outputId?: unknown };
    return { inputId: typeof v.inputId === 'string' ? v.inputId : '', outputId: typeof v.outputId === 'string' ? v.outputId : '' };
  } catch {
    return { inputId: '', outputId: '' };
  }
}

export function watchDevices(): () => void {
  const md = navigator.mediaDevices;
  if (!md?.addEventListener) return () => {};
  const on = () => void refreshDevices();
  md.addEventListener('devicechange', on);
  return () => md.removeEventListener('devicechange', on);
}
