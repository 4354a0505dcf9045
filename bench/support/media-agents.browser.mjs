/* global window */
// Browser agents for bench:media, many in ONE Chromium page: each a sip.js UserAgent registered as
// its own extension that answers its call, with the same sip.js and the same WebRTC stack (ICE,
// DTLS-SRTP, the fake microphone) as the app's softphone, without the app's UI around it: on 2
// cores twenty full app pages starve each other (measured: load 61, calls not answered in time),
// which would measure the machine, not the bridge. Served by media-agents.ts.
import { Registerer, UserAgent } from 'sip.js';

const agents = [];

/** Registers `users` at `server` (SIP over WebSocket); every INVITE is answered at once. */
async function startAgents({ server, domain, users, password }) {
  for (const user of users) {
    const a = { user, state: 'new', session: null, error: null };
    const ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:${user}@${domain}`),
      authorizationUsername: user,
      authorizationPassword: password,
      transportOptions: { server, connectionTimeout: 10 },
      logBuiltinEnabled: false,
      logLevel: 'error',
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: [] }, iceGatheringTimeout: 1000 },
      delegate: {
        onInvite: (inv) => {
          a.session = inv;
          a.state = 'ringing';
          inv.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } })
            .then(() => { a.state = 'active'; })
            .catch((e) => { a.state = 'failed'; a.error = String(e); });
        },
      },
    });
    await ua.start();
    const reg = new Registerer(ua);
    await new Promise((ok, fail) => {
      reg.stateChange.addListener((s) => { if (s === 'Registered') ok(); });
      reg.register({ requestDelegate: { onReject: (r) => fail(new Error(`${user}: REGISTER ${r.message.statusCode}`)) } }).catch(fail);
    });
    a.state = 'registered';
    a.ua = ua;
    agents.push(a);
  }
}

/** Per agent: call state and inbound audio (packets, lost, jitter ms) from getStats. */
async function mediaStats() {
  const out = [];
  for (const a of agents) {
    let received = 0, lost = 0, jitterMs = 0, energy = 0;
    const pc = a.session && a.session.sessionDescriptionHandler && a.session.sessionDescriptionHandler.peerConnection;
    if (pc) {
      const stats = await pc.getStats();
      stats.forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          received += r.packetsReceived || 0;
          lost += r.packetsLost || 0;
          jitterMs = Math.max(jitterMs, (r.jitter || 0) * 1000);
          energy += r.totalAudioEnergy || 0;
        }
      });
    }
    out.push({ user: a.user, state: a.state, error: a.error, received, lost, jitterMs, energy });
  }
  return out;
}

async function hangUpAll() {
  for (const a of agents) if (a.session && a.session.state === 'Established') await a.session.bye().catch(() => {});
}

window.benchAgents = { startAgents, mediaStats, hangUpAll };
