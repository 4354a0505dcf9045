// Links wait for the page, are sent once, repeats and floods are dropped.
import { describe, expect, it } from 'vitest';
import { DialInbox, MAX_WAITING, SAME_LINK_MS } from './dial-inbox';
import type { CallLink } from './links';

const tel = (n: string): CallLink => ({ scheme: 'tel', target: n, display: n });

describe('DialInbox', () => {
  it('holds links until the page is ready, then sends them once', () => {
    let now = 0;
    const inbox = new DialInbox(() => now);
    expect(inbox.push(tel('+39021'))).toEqual([]);
    now += 10_000;
    expect(inbox.pageReady()).toEqual([tel('+39021')]);
    expect(inbox.pageReady()).toEqual([]);
    now += 10_000;
    expect(inbox.push(tel('+39022'))).toEqual([tel('+39022')]);
    inbox.pageGone();
    now += 10_000;
    expect(inbox.push(tel('+39023'))).toEqual([]);
    expect(inbox.pageReady()).toEqual([tel('+39023')]);
  });

  it('drops a repeat of the same link, and keeps only the last few', () => {
    let now = 0;
    const inbox = new DialInbox(() => now);
    inbox.pageReady();
    expect(inbox.push(tel('+39021'))).toHaveLength(1);
    now += SAME_LINK_MS - 1;
    expect(inbox.push(tel('+39021'))).toEqual([]);
    now += SAME_LINK_MS;
    expect(inbox.push(tel('+39021'))).toHaveLength(1);
    inbox.pageGone();
    for (let i = 0; i < 10; i++) inbox.push(tel(`+3902${i}`));
    expect(inbox.pageReady().map((l) => l.target)).toEqual(['+39027', '+39028', '+39029'].slice(-MAX_WAITING));
  });
});
