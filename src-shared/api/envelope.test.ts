import { describe, expect, it } from 'vitest';
import { BridgeError, readReply } from './envelope';

const status = { dataDir: '/d', region: 'IT', customers: 1, purchases: 2, demo: null, host: 'web' };

describe('readReply: one reading of a host reply for both bridges', () => {
  it('returns a result that keeps to the contract', () => {
    expect(readReply('status', { ok: true, result: status })).toEqual(status);
  });
  it('refuses a result outside the contract, naming the field', () => {
    expect(() => readReply('status', { ok: true, result: { ...status, customers: 'many' } })).toThrow(
      expect.objectContaining({ code: 'bad_response', message: expect.stringContaining('customers') }),
    );
  });
  it('turns an error envelope into a BridgeError with the host code and message', () => {
    const err = (() => {
      try {
        readReply('status', { ok: false, error: { code: 'bad_request', message: 'status: input: bad' } }, 400);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({ code: 'bad_request', message: 'status: input: bad' });
  });
  it('an "ok" with an HTTP error status is not a result; an unknown code becomes http_<status>', () => {
    expect(() => readReply('status', { ok: true, result: status }, 502)).toThrow(expect.objectContaining({ code: 'http_502' }));
    expect(() => readReply('status', { ok: false, error: { code: 'teapot', message: 'x' } }, 418)).toThrow(expect.objectContaining({ code: 'http_418', message: 'x' }));
    expect(() => readReply('status', null, 500)).toThrow(expect.objectContaining({ code: 'http_500', message: 'status failed with HTTP 500' }));
  });
});
