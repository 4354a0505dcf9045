// "Copy diagnostics" (Settings): the host's diagnostics text (versions, settings, sync, the log's
// last lines; secrets masked by the host) copied for a support ticket. Shown too, so it can be
// read and copied by hand where the clipboard is refused.
import { useState } from 'react';
import { bridge } from '../bridge';
import { useT } from '../i18n';
import './desktop.css';

export function CopyDiagnostics() {
  const t = useT();
  const [text, setText] = useState<string | null>(null);
  const [state, setState] = useState<'idle' | 'busy' | 'copied' | 'shown' | 'error'>('idle');

  async function copy() {
    setState('busy');
    let diag: string;
    try {
      diag = (await bridge.invoke('diagnostics', {})).text;
    } catch (err) {
      setText((err as Error).message);
      setState('error');
      return;
    }
    setText(diag);
    try {
      await navigator.clipboard.writeText(diag);
      setState('copied');
    } catch {
      setState('shown'); // no clipboard access: the text is below to copy by hand
    }
  }

  return (
    <div className="sip-row diagnostics" data-testid="diagnostics">
      <span className="field-label">{t('diag.title')}</span>
      <button type="button" className="btn btn-small" data-testid="diagnostics-copy" disabled={state === 'busy'} onClick={() => void copy()}>
        {t('diag.copy')}
      </button>
      {state !== 'idle' && state !== 'busy' && (
        <span className={`small ${state === 'error' ? 'is-error' : 'muted'}`} data-testid="diagnostics-state" data-state={state}>
          {t(state === 'copied' ? 'diag.copied' : state === 'shown' ? 'diag.shown' : 'diag.failed')}
        </span>
      )}
      {text !== null && <textarea className="input diagnostics-text" data-testid="diagnostics-text" readOnly value={text} />}
    </div>
  );
}
