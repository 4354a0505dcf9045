// Fakes of the sip.js objects the softphone's parts touch, for unit tests (sip.js itself is
// exercised against a real Kamailio in e2e). A fake session moves through the same
// SessionState values as sip.js's and records what the softphone asked of it.
import { SessionState, type Invitation, type Inviter } from 'sip.js';

type StateListener = (state: SessionState) => void;
interface RequestDelegate {
  onAccept?: () => void;
  onReject?: (response: { message: { statusCode: number; reasonPhrase: string } }) => void;
}

export class FakeSession {
  state: SessionState = SessionState.Initial;
  delegate: Record<string, unknown> | undefined = undefined;
  sessionDescriptionHandler = undefined;
  sessionDescriptionHandlerOptionsReInvite: Record<string, unknown> = {};
  replacee: unknown = undefined;
  dialog = undefined;
  /** What the softphone sent, in order: 'accept', 'reject 486', 'bye', 'cancel', 're-INVITE hold', … */
  readonly sent: string[] = [];
  /** Request delegates of INVITEs / re-INVITEs sent, for the test to answer. */
  readonly invites: RequestDelegate[] = [];
  /** accept() fails with this (e.g. no microphone). */
  acceptError: Error | null = null;
  /**
   * accept() fails with this the way sip.js 0.21 does it: Invitation.handleResponseError replies
   * 480, moves the session to Terminated, and only then does accept()'s promise reject.
   */
  acceptFailure: Error | null = null;
  /** The first invite() fails with this the way sip.js's Inviter does (no microphone): Terminated, then rejects. */
  inviteFailure: Error | null = null;
  isCanceled = false;
  /** sip.js's server transaction of an incoming INVITE (replies land in `sent`). */
  readonly incomingInviteRequest = { reject: (o: { statusCode: number }) => void this.sent.push(`reject ${o.statusCode}`) };
  private readonly listeners: StateListener[] = [];
  readonly stateChange = { addListener: (l: StateListener) => void this.listeners.push(l) };

  constructor(readonly request: FakeRequest) {}

  to(state: SessionState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }

  async accept(): Promise<void> {
    this.sent.push('accept');
    if (this.acceptError) throw this.acceptError;
    if (this.acceptFailure) {
      this.to(SessionState.Establishing);
      await Promise.resolve(); // the answer is built asynchronously (getUserMedia, createAnswer)
      this.handleResponseError(this.acceptFailure);
      return;
    }
    this.to(SessionState.Established);
  }

  stateTransition(state: SessionState): void {
    this.to(state);
  }

  /** As sip.js 0.21's Invitation.handleResponseError (480 for everything but a content type). */
  handleResponseError(error: unknown): void {
    if (this.state === SessionState.Initial || this.state === SessionState.Establishing) {
      this.incomingInviteRequest.reject({ statusCode: 480 });
      this.stateTransition(SessionState.Terminated);
    }
    if (this.isCanceled) return;
    throw error;
  }

  async reject(opts?: { statusCode?: number }): Promise<void> {
    this.sent.push(`reject ${opts?.statusCode ?? 480}`);
    this.to(SessionState.Terminated);
  }

  async bye(): Promise<void> {
    this.sent.push('bye');
    this.to(SessionState.Terminated);
  }

  async cancel(): Promise<void> {
    this.sent.push('cancel');
    this.to(SessionState.Terminated);
  }

  /** The first INVITE (an Inviter) or a re-INVITE (hold / resume). */
  async invite(opts?: { requestDelegate?: RequestDelegate }): Promise<void> {
    const hold = this.sessionDescriptionHandlerOptionsReInvite.hold;
    this.sent.push(this.state === SessionState.Established ? `re-INVITE ${hold ? 'hold' : 'resume'}` : 'INVITE');
    this.invites.push(opts?.requestDelegate ?? {});
    if (this.inviteFailure && this.state === SessionState.Initial) {
      await Promise.resolve(); // getUserMedia, createOffer
      this.to(SessionState.Terminated);
      throw this.inviteFailure;
    }
  }

  /** Options of the REFERs sent (blind transfer), for the test to answer. */
  readonly refers: { requestDelegate?: RequestDelegate }[] = [];
  async refer(_uri: unknown, opts: { requestDelegate?: RequestDelegate }): Promise<void> {
    this.sent.push('REFER');
    this.refers.push(opts);
  }

  /** The other side's answer to the last INVITE sent. */
  answerLastInvite(statusCode: number, reasonPhrase = ''): void {
    const d = this.invites.at(-1)!;
    if (statusCode < 300) d.onAccept?.();
    else d.onReject?.({ message: { statusCode, reasonPhrase } });
  }

  /** The caller hangs up a ringing call: CANCEL (with its Reason header, if any). */
  cancelledByCaller(reason?: string): void {
    const onCancel = this.delegate?.onCancel as ((c: { request: FakeRequest }) => void) | undefined;
    onCancel?.({ request: new FakeRequest('', {}, reason ? { Reason: reason } : {}) });
    this.to(SessionState.Terminated);
  }
}

export class FakeRequest {
  constructor(
    readonly callId: string,
    private readonly multi: Record<string, string[]>,
    private readonly single: Record<string, string> = {},
    readonly ruri = 'sip:1001@pbx.test',
  ) {}
  getHeaders(name: string): string[] {
    return this.multi[name] ?? [];
  }
  getHeader(name: string): string | undefined {
    return this.single[name] ?? this.multi[name]?.[0];
  }
}

/** An incoming call from `number` (a sip.js Invitation as far as the softphone can tell). */
export function fakeInvitation(callId: string, number: string): { session: FakeSession; invitation: Invitation } {
  const session = new FakeSession(new FakeRequest(callId, { From: [`<sip:${number}@pbx.test>;tag=1`], To: ['<sip:1001@pbx.test>'] }));
  return { session, invitation: session as unknown as Invitation };
}

/** An outgoing call (a sip.js Inviter as far as the softphone can tell). */
export function fakeInviter(callId: string): { session: FakeSession; inviter: Inviter } {
  const session = new FakeSession(new FakeRequest(callId, {}));
  return { session, inviter: session as unknown as Inviter };
}
