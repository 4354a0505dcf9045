// Links to dial wait here until the page can ask the agent: a first launch from a tel: link
// arrives before the page has loaded, and a reload drops whatever the page had not yet shown.
// The page is "ready" once it has reported (shellReport) after subscribing to dialRequest.
import type { CallLink } from './links';

/** A link clicked twice (two launches) within this time is one request. */
export const SAME_LINK_MS = 3_000;
/** Only the last few links wait: a flood of links from a page must not queue calls. */
export const MAX_WAITING = 3;

export class DialInbox {
  private waiting: CallLink[] = [];
  private ready = false;
  private last: { target: string; at: number } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** A new link: what to send to the page now (nothing while it is not ready, or for a repeat). */
  push(link: CallLink): CallLink[] {
    const t = this.now();
    if (this.last && this.last.target === link.target && t - this.last.at < SAME_LINK_MS) return [];
    this.last = { target: link.target, at: t };
    if (this.ready) return [link];
    this.waiting = [...this.waiting, link].slice(-MAX_WAITING);
    return [];
  }

  /** The page reported: it listens now; what waited is sent (once). */
  pageReady(): CallLink[] {
    this.ready = true;
    const out = this.waiting;
    this.waiting = [];
    return out;
  }

  /** The page is loading again (reload, crash): hold links until it reports. */
  pageGone(): void {
    this.ready = false;
  }
}
