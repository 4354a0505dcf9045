// A sip.js Transport that keeps what the UserAgent sends and lets a test deliver what a PBX
// would (transport.onMessage), for unit tests of the softphone's wire behaviour without a socket.
import { TransportState, UserAgent, type Transport } from 'sip.js';

export class MemoryTransport {
  static last: MemoryTransport | null = null;
  readonly sent: string[] = [];
  state = TransportState.Disconnected;
  readonly stateChange = { addListener() {}, removeListener() {} };
  onConnect?: () => void;
  onDisconnect?: (e?: Error) => void;
  onMessage?: (m: string) => void;
  constructor() {
    MemoryTransport.last = this;
  }
  get protocol(): string {
    return 'WS';
  }
  async connect(): Promise<void> {
    this.state = TransportState.Connected;
    this.onConnect?.();
  }
  async disconnect(): Promise<void> {
    this.state = TransportState.Disconnected;
  }
  async dispose(): Promise<void> {}
  isConnected(): boolean {
    return this.state === TransportState.Connected;
  }
  async send(m: string): Promise<void> {
    this.sent.push(m);
  }
}

/** A started UserAgent on a MemoryTransport; stop it when done. */
export async function memoryAgent(options: Partial<ConstructorParameters<typeof UserAgent>[0]> = {}): Promise<{ ua: UserAgent; transport: MemoryTransport }> {
  const ua = new UserAgent({
    uri: UserAgent.makeURI('sip:1001@127.0.0.1'),
    transportConstructor: MemoryTransport as unknown as new () => Transport,
    logBuiltinEnabled: false,
    ...options,
  });
  await ua.start();
  return { ua, transport: MemoryTransport.last! };
}

/** A reply to a request the agent sent, as a PBX would write it. */
export function replyTo(request: string, status: number, reason: string, extra: string[] = []): string {
  const lines = request.split('\r\n\r\n')[0]!.split('\r\n');
  const pick = (name: string): string[] => lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const to = pick('To')[0] ?? 'To: <sip:x@y>';
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...pick('Via'),
    ...pick('From'),
    to.includes(';tag=') ? to : `${to};tag=pbx1`,
    ...pick('Call-ID'),
    ...pick('CSeq'),
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
