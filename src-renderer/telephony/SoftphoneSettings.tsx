// Softphone settings: loaded from the host (softphoneConfig), saved with softphoneConfigSave,
// applied at once (reconnect + register). Devices and notifications live here too.
import { useEffect, useState, type FormEvent } from 'react';
import { SoftphoneConfig } from '../../src-shared/api/contract';
import { bridge } from '../bridge';
import { chooseDevices, refreshDevices, testRinger } from './media';
import { requestNotifyPermission } from './notify';
import { softphone } from './softphone';
import { useTelephony } from './store';
import { useT } from '../i18n';
import { CopyDiagnostics } from '../desktop/CopyDiagnostics';

type Form = { server: string; uri: string; user: string; password: string; displayName: string; region: string };

const EMPTY: Form = { server: '', uri: '', user: '', password: '', displayName: '', region: 'IT' };

function toForm(c: SoftphoneConfig | null): Form {
  return c ? { server: c.server, uri: c.uri, user: c.user, password: c.password, displayName: c.displayName, region: c.region } : EMPTY;
}

export function SoftphoneSettings() {
  const t = useT();
  const config = useTelephony((s) => s.config);
  const configError = useTelephony((s) => s.configError);
  const devices = useTelephony((s) => s.devices);
  const notify = useTelephony((s) => s.notify);
  const [form, setForm] = useState<Form>(() => toForm(config));
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'saved' | 'error'; msg: string }>({ kind: 'idle', msg: '' });

  // a config loaded after the form opened (first start)
  useEffect(() => {
    setForm((f) => (f === EMPTY || (!f.server && !f.uri) ? toForm(config) : f));
  }, [config]);

  useEffect(() => {
    void refreshDevices();
  }, []);

  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = SoftphoneConfig.safeParse({ ...form, server: form.server.trim(), uri: form.uri.trim(), user: form.user.trim(), region: form.region.trim().toUpperCase() });
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      setStatus({ kind: 'error', msg: t('settings.invalid', { msg: i ? `${i.path.join('.')}: ${i.message}` : '?' }) });
      return;
    }
    setStatus({ kind: 'saving', msg: '' });
    try {
      const r = await bridge.invoke('softphoneConfigSave', parsed.data);
      setStatus({ kind: 'saved', msg: t(r.persisted ? 'settings.saved' : 'settings.savedSession') });
    } catch (err) {
      setStatus({ kind: 'error', msg: (err as Error).message });
      return;
    }
    if (parsed.data.server !== config?.server) {
      // The page may connect only to the SIP server its CSP names (src-shared/api/csp.ts): a new
      // server comes with the next page load, which registers with the settings just saved.
      window.location.reload();
      return;
    }
    await softphone.configure(parsed.data);
  }

  const field = (k: keyof Form, label: string, props: Record<string, unknown> = {}) => (
    <label className="sip-field">
      <span className="field-label">{label}</span>
      <input className="input" data-testid={`sip-${k}`} value={form[k]} onChange={set(k)} autoComplete="off" spellCheck={false} {...props} />
    </label>
  );

  return (
    <section className="sip-settings" data-testid="sip-settings" aria-labelledby="sip-settings-title">
      <div className="sip-settings-head">
        <h3 id="sip-settings-title" className="side-subtitle">{t('settings.title')}</h3>
        <button type="button" className="btn btn-link btn-small" onClick={() => useTelephony.setState({ settingsOpen: false })}>
          {t('settings.close')}
        </button>
      </div>
      {configError && <p className="call-note is-error">{t('settings.loadFailed', { msg: configError })}</p>}
      <form onSubmit={onSubmit} className="sip-form" data-testid="sip-settings-form">
        {field('server', t('settings.server'), { placeholder: 'wss://pbx.example.com:8089', type: 'url' })}
        {field('uri', t('settings.uri'), { placeholder: 'sip:1001@pbx.example.com' })}
        {field('user', t('settings.user'))}
        {/* the host never sends the password back (it signs with HA1): empty keeps the one it holds */}
        {field('password', t('settings.password'), { type: 'password', autoComplete: 'current-password', ...(config ? { placeholder: t('settings.passwordKept') } : {}) })}
        {field('displayName', t('settings.displayName'))}
        {field('region', t('settings.region'), { maxLength: 2, style: { textTransform: 'uppercase' } })}
        <div className="card-actions">
          <button type="submit" className="btn btn-primary btn-small" data-testid="sip-save" disabled={status.kind === 'saving'}>
            {t('settings.save')}
          </button>
          {status.msg && (
            <span className={`small ${status.kind === 'error' ? 'is-error' : 'muted'}`} data-testid="sip-save-status" data-status={status.kind}>
              {status.msg}
            </span>
          )}
        </div>
      </form>

      <h3 className="side-subtitle">{t('settings.devices')}</h3>
      <label className="sip-field">
        <span className="field-label">{t('settings.input')}</span>
        <select className="input" data-testid="sip-input-device" value={devices.inputId} onChange={(e) => chooseDevices({ inputId: e.target.value })}>
          <option value="">{t('settings.default')}</option>
          {devices.inputs.map((d) => (
            <option key={d.id} value={d.id}>{d.label}</option>
          ))}
        </select>
      </label>
      <label className="sip-field">
        <span className="field-label">{t('settings.output')}</span>
        <select
          className="input"
          data-testid="sip-output-device"
          value={devices.outputId}
          disabled={!devices.sinkSupported}
          title={devices.sinkSupported ? undefined : t('settings.noSink')}
          onChange={(e) => chooseDevices({ outputId: e.target.value })}
        >
          <option value="">{t('settings.default')}</option>
          {devices.outputs.map((d) => (
            <option key={d.id} value={d.id}>{d.label}</option>
          ))}
        </select>
      </label>
      <div className="sip-row">
        <span className="field-label">{t('settings.ringer')}</span>
        <button type="button" className="btn btn-small" data-testid="sip-ringer-test" onClick={testRinger}>{t('settings.ringer.test')}</button>
      </div>
      <div className="sip-row">
        <span className="field-label">{t('settings.notifications')}</span>
        {notify === 'default' ? (
          <button type="button" className="btn btn-small" data-testid="sip-notify-enable" onClick={() => void requestNotifyPermission()}>
            {t('settings.notify.enable')}
          </button>
        ) : (
          <span className="small muted" data-testid="sip-notify-state" data-state={notify}>
            {t(notify === 'granted' ? 'settings.notify.granted' : notify === 'denied' ? 'settings.notify.denied' : 'settings.notify.unsupported')}
          </span>
        )}
      </div>
      <CopyDiagnostics />
    </section>
  );
}
