// Unknown caller → a contact, in one short form: the caller's number is already in it, the
// country defaults to the desk's region. The new contact's pop opens at once (and pops next time).
// Test hook (contract): contact-create (the button that creates it).
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useT } from '../i18n';
import { useFormat } from '../i18n/useFormat';
import { bridge } from '../bridge';
import { usePop } from '../pop/store';
import { displayPhone } from '../pop/phone';
import { useSync } from '../sync/store';
import { useCases } from './store';

const COUNTRIES = ['IT', 'DE', 'FR', 'ES', 'AT', 'CH', 'GB', 'IE', 'NL', 'BE', 'LU', 'PT', 'PL', 'SE', 'DK', 'NO', 'FI', 'US', 'CA'];

export function CreateContact({ e164, raw }: { e164: string | null; raw: string }) {
  const t = useT();
  const f = useFormat();
  const region = useCases((s) => s.region);
  const [name, setName] = useState('');
  const [company, setCompany] = useState('');
  const [country, setCountry] = useState<string | null>(null);
  const [phone, setPhone] = useState(e164 ? displayPhone(e164) : raw);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    setPhone(e164 ? displayPhone(e164) : raw);
    setError(null);
  }, [e164, raw]);

  const cc = (country ?? region).toUpperCase();

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setError(t('contact.nameRequired'));
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    if (!/^[A-Z]{2}$/.test(cc)) {
      setError(t('contact.countryInvalid'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { contactId } = await bridge.invoke('contactCreate', {
        name: name.trim(),
        ...(company.trim() ? { company: company.trim() } : {}),
        phone: phone.trim() || e164 || raw,
        country: cc,
      });
      void useSync.getState().refresh();
      await usePop.getState().openCustomer(contactId, 'search');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="contact-form" onSubmit={(e) => void onSubmit(e)} data-testid="contact-form" aria-labelledby={`${id}-title`} noValidate>
      <h3 id={`${id}-title`} className="contact-title">{t('contact.title')}</h3>
      <div className="contact-grid">
        <label className="contact-field">
          <span>{t('contact.name')}</span>
          <input id={`${id}-name`} className="input" data-testid="contact-name" value={name} autoComplete="off" maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="contact-field">
          <span>{t('contact.company')}</span>
          <input className="input" data-testid="contact-company" value={company} autoComplete="off" maxLength={200} onChange={(e) => setCompany(e.target.value)} />
        </label>
        <label className="contact-field">
          <span>{t('contact.phone')}</span>
          <input className="input" data-testid="contact-phone" value={phone} inputMode="tel" autoComplete="off" onChange={(e) => setPhone(e.target.value)} />
        </label>
        <label className="contact-field contact-country">
          <span>{t('contact.country')}</span>
          <input
            className="input"
            data-testid="contact-country"
            value={country ?? region}
            list={`${id}-countries`}
            maxLength={2}
            autoComplete="off"
            onChange={(e) => setCountry(e.target.value.toUpperCase())}
          />
          <datalist id={`${id}-countries`}>
            {COUNTRIES.map((c) => (
              <option key={c} value={c}>{f.country(c)}</option>
            ))}
          </datalist>
          <span className="contact-country-name muted">{/^[A-Z]{2}$/.test(cc) ? f.country(cc) : ''}</span>
        </label>
      </div>
      {error && <p className="case-error" role="alert" data-testid="contact-error">{error}</p>}
      <button type="submit" className="btn btn-primary" data-testid="contact-create" disabled={busy}>
        {busy ? t('contact.creating') : t('contact.create')}
      </button>
    </form>
  );
}
