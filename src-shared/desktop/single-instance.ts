// One Pronto per user session: two instances would open one store twice and register the
// softphone twice (the PBX would ring both, and either could answer). The Electron shell asks
// for the single-instance lock before it opens anything; these are its decisions, kept pure.
import { callLinkInArgv, type CallLink } from './links';

/** What the second launch hands the first (app.requestSingleInstanceLock's additionalData). */
export interface SecondLaunchData {
  argv: string[];
}

/** Without the lock another Pronto runs: quit before opening the store or starting the softphone. */
export function startupDecision(gotLock: boolean): 'run' | 'quit' {
  return gotLock ? 'run' : 'quit';
}

export interface SecondLaunchAction {
  /** Always: the agent launched Pronto again to see it. */
  focus: true;
  /** A tel:/sip: link the second launch carried, to confirm and dial in the first. */
  link: CallLink | null;
}

/**
 * The first instance's answer to a second launch ('second-instance'). The additionalData's argv is
 * preferred: on Windows Chromium may reorder or rewrite the argv it reports (it appends its own
 * switches), while additionalData arrives as the second instance sent it. Both are untrusted.
 */
export function secondLaunchAction(argv: readonly unknown[], additionalData: unknown): SecondLaunchAction {
  const sent = additionalData && typeof additionalData === 'object' && Array.isArray((additionalData as { argv?: unknown }).argv)
    ? ((additionalData as { argv: unknown[] }).argv)
    : null;
  const link = (sent && callLinkInArgv(sent)) ?? callLinkInArgv(argv);
  return { focus: true, link };
}
