import { describe, expect, it } from 'vitest';
import { tokenStorage } from './token-storage';

describe('token storage decision', () => {
  it.each([
    [{ host: 'electron', encryptionAvailable: true, backend: 'gnome_libsecret' }, 'encrypted'],
    [{ host: 'electron', encryptionAvailable: true, backend: 'kwallet5' }, 'encrypted'],
    // macOS / Windows: no backend to name
    [{ host: 'electron', encryptionAvailable: true }, 'encrypted'],
    [{ host: 'electron', encryptionAvailable: true, backend: null }, 'encrypted'],
    // Linux without a keyring: basic_text is refused (a constant key is no encryption)
    [{ host: 'electron', encryptionAvailable: true, backend: 'basic_text' }, 'memory'],
    [{ host: 'electron', encryptionAvailable: true, backend: 'BASIC_TEXT' }, 'memory'],
    [{ host: 'electron', encryptionAvailable: true, backend: 'unknown' }, 'memory'],
    [{ host: 'electron', encryptionAvailable: false, backend: 'gnome_libsecret' }, 'memory'],
    [{ host: 'electron' }, 'memory'],
    // the web host keeps it in its own memory, whatever it is told
    [{ host: 'web', encryptionAvailable: true, backend: 'gnome_libsecret' }, 'memory'],
  ] as const)('%o → %s', (input, mode) => {
    expect(tokenStorage(input).mode).toBe(mode);
  });

  it('says why in words', () => {
    expect(tokenStorage({ host: 'electron', encryptionAvailable: true, backend: 'basic_text' }).reason).toMatch(/basic_text/);
    expect(tokenStorage({ host: 'web' }).reason).toMatch(/memory/);
  });
});
