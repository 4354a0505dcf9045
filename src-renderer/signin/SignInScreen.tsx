// Sign in (issue 20): hub address (hidden when the installer preset it), user name, password.
// The hub's refusal is said in words next to the field it concerns; an expired session says so
// above the form (the agent's unsent work is kept and goes out after this sign-in).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useT, type StringKey } from '../i18n';
import { useSession } from './store';
import './signin.css';

export function SignInScreen({ onCancel }: { onCancel?: () => void }) {
  const t = useT();
  const view = useSession((s) => s.view);
  const busy = useSession((s) => s.busy);
  const error = useSession((s) => s.error);
  const [hubUrl, setHubUrl] = useState(view?.hubUrl ?? '');
  const [name, setName] = useState(view?.expired ? view.user ?? '' : '');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const first = useRef<HTMLInputElement>(null);
  const pw = useRef<HTMLInputElement>(null);
  const preset = view?.hubPreset ?? false;

  useEffect(() => {
    (name ? pw : first).current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on opening
  }, []);
  useEffect(() => {
    if (error?.reason === 'wrong_password') {
      setPassword('');
      pw.current?.focus();
    }
  }, [error]);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const empty = new Set<string>();
    if (!preset && !hubUrl.trim()) empty.add('hub');
    if (!name.trim()) empty.add('name');
    if (!password) empty.add('password');
    setMissing(empty);
    if (empty.size) return;
    await useSession.getState().signIn({ ...(preset ? {} : { hubUrl: hubUrl.trim() }), name: name.trim(), password });
  }

  const reason = error?.reason;
  const hubError = reason === 'unreachable' || reason === 'bad_hub' ? t(`signin.err.${reason}` as StringKey) : null;
  const nameError = reason === 'user_disabled' ? t('signin.err.user_disabled') : null;
  const passwordError = reason === 'wrong_password' || reason === 'too_many_attempts' ? t(`signin.err.${reason}` as StringKey) : null;
  const formError = reason === 'hub_error' ? t('signin.err.hub_error', { msg: error?.message ?? '' })
    : preset && hubError ? hubError : null;

  const fieldError = (id: string, text: string | null) => {
    const msg = missing.has(id) ? t('signin.err.required') : text;
    return msg ? <p className="signin-error" id={`signin-${id}-error`} data-testid={`signin-${id}-error`} role="alert">{msg}</p> : null;
  };

  return (
    <div className="signin-backdrop" data-testid="signin-screen">
      <form className="signin-card" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="signin-title">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true">P</span>
          <h1 id="signin-title">{t('signin.title')}</h1>
        </div>
        {view?.expired ? (
          <p className="signin-banner signin-banner-warn" role="status" data-testid="signin-expired">{t('signin.expired')}</p>
        ) : (
          <p className="signin-lead">{t('signin.lead')}</p>
        )}
        {preset ? (
          <p className="signin-hub" data-testid="signin-hub-preset">{t('signin.hubPreset', { hub: view?.hubUrl ?? '' })}</p>
        ) : (
          <label className="signin-field">
            <span className="field-label">{t('signin.hub')}</span>
            <input
              ref={first} className="input" data-testid="signin-hub" type="url" inputMode="url" value={hubUrl} placeholder={t('signin.hubHint')}
              autoComplete="url" spellCheck={false} aria-invalid={Boolean(hubError) || missing.has('hub')} aria-describedby="signin-hub-error"
              onChange={(e) => setHubUrl(e.target.value)}
            />
            {fieldError('hub', hubError)}
          </label>
        )}
        <label className="signin-field">
          <span className="field-label">{t('signin.name')}</span>
          <input
            ref={preset ? first : undefined} className="input" data-testid="signin-name" value={name} autoComplete="username" spellCheck={false}
            aria-invalid={Boolean(nameError) || missing.has('name')} aria-describedby="signin-name-error" onChange={(e) => setName(e.target.value)}
          />
          {fieldError('name', nameError)}
        </label>
        <label className="signin-field">
          <span className="field-label">{t('signin.password')}</span>
          <input
            ref={pw} className="input" data-testid="signin-password" type="password" value={password} autoComplete="current-password"
            aria-invalid={Boolean(passwordError) || missing.has('password')} aria-describedby="signin-password-error" onChange={(e) => setPassword(e.target.value)}
          />
          {fieldError('password', passwordError)}
        </label>
        {formError && <p className="signin-error" role="alert" data-testid="signin-error">{formError}</p>}
        {view && view.othersPending > 0 && <p className="signin-note" data-testid="signin-others-pending">{t('signin.othersPending', { n: view.othersPending })}</p>}
        <div className="signin-actions">
          {onCancel && <button type="button" className="btn" onClick={onCancel} disabled={busy}>{t('signin.cancel')}</button>}
          <button type="submit" className="btn btn-primary" data-testid="signin-submit" disabled={busy}>{busy ? t('signin.busy') : t('signin.submit')}</button>
        </div>
      </form>
    </div>
  );
}
