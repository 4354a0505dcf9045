// Simulated incoming call: type a number (any habit: national, +39, 0039, tel:, sip:) and ring.
import type { FormEvent } from 'react';
import { useT, type StringKey } from '../i18n';
import { SIMULATE_INPUT_ID } from '../app/shortcuts';
import { usePop } from '../pop/store';
import { useSimulate } from './store';
import { PhoneIcon } from '../app/icons';

interface Preset {
  key: StringKey;
  raw: string;
}

/** Numbers that exercise each state whatever the data; the demo set adds real customers. */
const PRESETS: Preset[] = [
  { key: 'simulate.preset.withheld', raw: 'anonymous' },
  { key: 'simulate.preset.invalid', raw: '12' },
  { key: 'simulate.preset.unknown', raw: '+39 06 9999 0000' },
  { key: 'simulate.preset.sip', raw: '"Reception" <sip:+390299990001@pbx.example.com>' },
];

export function ring(raw?: string): void {
  const sim = useSimulate.getState();
  const value = (raw ?? sim.number).trim();
  if (!value) return;
  if (raw !== undefined) sim.setNumber(raw);
  sim.remember(value);
  void usePop.getState().startCall(value);
}

export function SimulatePanel() {
  const t = useT();
  const number = useSimulate((s) => s.number);
  const setNumber = useSimulate((s) => s.setNumber);
  const recent = useSimulate((s) => s.recent);
  const clearRecent = useSimulate((s) => s.clearRecent);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    ring();
  }

  return (
    <aside className="simulate" aria-labelledby="simulate-title">
      <h2 id="simulate-title" className="side-title">{t('simulate.title')}</h2>
      <form className="simulate-form" onSubmit={onSubmit}>
        <label htmlFor={SIMULATE_INPUT_ID} className="field-label">
          {t('simulate.number')} <kbd>{t('simulate.shortcut')}</kbd>
        </label>
        <div className="simulate-row">
          <input
            id={SIMULATE_INPUT_ID}
            className="input"
            data-testid="simulate-number"
            type="text"
            inputMode="tel"
            autoComplete="off"
            spellCheck={false}
            placeholder={t('simulate.placeholder')}
            value={number}
            onChange={(e) => setNumber(e.target.value)}
          />
          <button type="submit" className="btn btn-call" data-testid="simulate-call" disabled={!number.trim()}>
            <PhoneIcon size={15} /> {t('simulate.call')}
          </button>
        </div>
      </form>

      <h3 className="side-subtitle">{t('simulate.presets')}</h3>
      <ul className="presets">
        {PRESETS.map((p) => (
          <li key={p.key}>
            <button type="button" className="preset" data-testid="simulate-preset" onClick={() => ring(p.raw)} title={p.raw}>
              <span>{t(p.key)}</span>
              <code>{p.raw.length > 22 ? p.raw.slice(0, 21) + '…' : p.raw}</code>
            </button>
          </li>
        ))}
      </ul>

      {recent.length > 0 && (
        <>
          <h3 className="side-subtitle">
            {t('simulate.recent')}
            <button type="button" className="btn btn-link btn-small" onClick={clearRecent}>{t('simulate.clearRecent')}</button>
          </h3>
          <ul className="presets">
            {recent.map((r) => (
              <li key={r}>
                <button type="button" className="preset" data-testid="simulate-recent" onClick={() => ring(r)} title={r}>
                  <code>{r}</code>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
