// Web adapter: the contract over the web host's wire protocol.
//   POST /api/<method>  (JSON body = input) → {"ok":true,"result":…} | {"ok":false,"error":{code,message}}
//   ws://<host>/api/events → {"event":"storeChanged","payload":{…}}, reconnected with backoff.
//   Once the host says {"rpc":1} on that socket, method calls go over it instead:
//   {"id":N,"method":…,"input":…} → {"id":N,"ok":true,"result":…} | {"id":N,"ok":false,"error":…}
//   (an HTTP request costs the page's main thread several times a socket message; the pop path
//   makes a few per call). Calls in flight when the socket drops fail as `unreachable`.
// Outputs are validated with the contract's zod schemas, so a host drifting from the contract
// fails loudly here instead of painting half a pop.
import { HTTP_API_PREFIX, WS_EVENTS_PATH, type ProntoBridge, type Unsubscribe } from '../../src-shared/api/bridge';
import {
  events,
  isEventName,
  type EventName,
  type EventPayload,
  type Input,
  type MethodName,
  type Output,
} from '../../src-shared/api/contract';
import { readReply } from '../../src-shared/api/envelope';
import { BridgeError } from './errors';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting';

export interface WebBridge extends ProntoBridge {
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): Unsubscribe;
}

export interface WebBridgeOptions {
  /** Origin of the web host; defaults to the page's own. */
  baseUrl?: string;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** Backoff bounds for the events socket, ms. */
  minDelay?: number;
  maxDelay?: number;
}

type AnyListener = (payload: unknown) => void;
type Envelope = { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } } | null;
/** Larger calls go over HTTP (the host's socket takes messages up to 64 KiB). */
const MAX_SOCKET_BODY = 60_000;

export function createWebBridge(opts: WebBridgeOptions = {}): WebBridge {
  const base = new URL(opts.baseUrl ?? window.location.href);
  const doFetch = opts.fetch ?? window.fetch.bind(window);
  const WS = opts.WebSocket ?? window.WebSocket;
  const minDelay = opts.minDelay ?? 500;
  const maxDelay = opts.maxDelay ?? 15_000;

  const listeners = new Map<EventName, Set<AnyListener>>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'idle';
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The open socket's host takes method calls on it. */
  let rpcReady = false;
  let rpcSeq = 0;
  const inFlight = new Map<number, { resolve: (e: Envelope) => void; reject: (err: Error) => void }>();

  function failInFlight(): void {
    rpcReady = false;
    const err = new BridgeError('unreachable', 'The Pronto host is not reachable (the connection closed).');
    for (const p of inFlight.values()) p.reject(err);
    inFlight.clear();
  }

  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const l of connectionListeners) l(next);
  }

  function totalListeners(): number {
    let n = 0;
    for (const set of listeners.values()) n += set.size;
    return n;
  }

  function eventsUrl(): string {
    const u = new URL(WS_EVENTS_PATH, base);
    u.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    return u.href;
  }

  function dispatch(raw: unknown, from: WebSocket): void {
    if (typeof raw !== 'string') return;
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    const reply = msg as { id?: unknown; rpc?: unknown };
    if (typeof reply.id === 'number') {
      const p = inFlight.get(reply.id);
      if (p && from === socket) {
        inFlight.delete(reply.id);
        p.resolve(msg as Envelope);
      }
      return;
    }
    if (reply.rpc === 1) {
      if (from === socket) rpcReady = true;
      return;
    }
    const { event, payload } = msg as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string' || !isEventName(event)) return;
    const parsed = events[event].safeParse(payload);
    if (!parsed.success) {
      console.warn(`pronto: dropped malformed ${event} event`, parsed.error.issues);
      return;
    }
    for (const l of [...(listeners.get(event) ?? [])]) {
      try {
        l(parsed.data);
      } catch (err) {
        console.error(`pronto: ${event} listener failed`, err);
      }
    }
  }

  function connect(): void {
    timer = null;
    if (socket || totalListeners() === 0) return;
    setState(attempt === 0 ? 'connecting' : 'reconnecting');
    let ws: WebSocket;
    try {
      ws = new WS(eventsUrl());
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
    };
    ws.onmessage = (e: MessageEvent) => dispatch(e.data, ws);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failInFlight();
      scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows and schedules the reconnect */
    };
  }

  function scheduleReconnect(): void {
    if (totalListeners() === 0) {
      setState('idle');
      return;
    }
    setState('reconnecting');
    // Exponential backoff with full jitter, bounded.
    const ceiling = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt, 10));
    attempt++;
    const delay = minDelay / 2 + Math.random() * (ceiling - minDelay / 2);
    timer = setTimeout(connect, delay);
  }

  function disconnectIfUnused(): void {
    if (totalListeners() > 0) return;
    if (timer) clearTimeout(timer);
    timer = null;
    const ws = socket;
    socket = null;
    failInFlight();
    attempt = 0;
    ws?.close();
    setState('idle');
  }

  /** Over the open socket, when its host takes calls there (null: use HTTP). */
  function viaSocket(method: MethodName, body: string): Promise<Envelope> | null {
    const ws = socket;
    if (!ws || !rpcReady || ws.readyState !== 1 || body.length > MAX_SOCKET_BODY) return null;
    const id = ++rpcSeq;
    return new Promise<Envelope>((resolve, reject) => {
      inFlight.set(id, { resolve, reject });
      try {
        ws.send(`{"id":${id},"method":${JSON.stringify(method)},"input":${body}}`);
      } catch (err) {
        inFlight.delete(id);
        reject(new BridgeError('unreachable', `The Pronto host is not reachable (${(err as Error).message ?? err}).`));
      }
    });
  }

  async function viaHttp(method: MethodName, body: string): Promise<{ envelope: Envelope; status: number }> {
    const url = new URL(HTTP_API_PREFIX + method, base);
    let res: Response;
    try {
      res = await doFetch(url.href, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Pronto-Client': 'renderer' },
        body,
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (err) {
      throw new BridgeError('unreachable', `The Pronto host is not reachable (${(err as Error).message ?? err}).`);
    }
    let envelope: unknown;
    try {
      envelope = await res.json();
    } catch {
      throw new BridgeError('bad_response', `${method}: HTTP ${res.status} without a JSON body`);
    }
    // readReply: an error envelope with a 2xx status is still an error; a 4xx/5xx "ok" is not a result
    return { envelope: envelope as Envelope, status: res.status };
  }

  async function invoke<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
    const body = JSON.stringify(input ?? {});
    const overSocket = viaSocket(method, body);
    const { envelope, status } = overSocket ? { envelope: await overSocket, status: 200 } : await viaHttp(method, body);
    return readReply(method, envelope, status);
  }

  return {
    invoke,
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as AnyListener;
      set.add(l);
      if (!socket && !timer) connect();
      return () => {
        set.delete(l);
        disconnectIfUnused();
      };
    },
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}
