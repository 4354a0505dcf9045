// The call states without a customer: unknown number, withheld, invalid. Each carries the
// search box, because asking and searching is what the agent does next.
import { useT } from '../i18n';
import { displayPhone } from './phone';
import { AlertIcon, HiddenIcon, QuestionIcon } from '../app/icons';
import { SearchBox } from './SearchBox';
import { CreateContact } from '../cases/CreateContact';

export function UnknownCaller({ e164, raw }: { e164: string | null; raw: string }) {
  const t = useT();
  return (
    <div className="state state-none">
      <QuestionIcon className="state-icon" size={40} strokeWidth={1.6} />
      <div className="state-number" data-testid="pop-caller-number">{e164 ? displayPhone(e164) : raw}</div>
      <h2 className="state-title">{t('none.title')}</h2>
      <p className="state-body">{t('none.body')}</p>
      <SearchBox variant="inline" />
      <CreateContact e164={e164} raw={raw} />
    </div>
  );
}

export function WithheldCaller() {
  const t = useT();
  return (
    <div className="state state-withheld">
      <HiddenIcon className="state-icon" size={40} strokeWidth={1.6} />
      <h2 className="state-title">{t('withheld.title')}</h2>
      <p className="state-body">{t('withheld.body')}</p>
      <SearchBox variant="inline" />
    </div>
  );
}

export function InvalidCaller({ raw }: { raw: string }) {
  const t = useT();
  return (
    <div className="state state-invalid">
      <AlertIcon className="state-icon" size={40} strokeWidth={1.6} />
      <h2 className="state-title">{t('invalid.title')}</h2>
      <p className="state-body">{t('invalid.body', { raw })}</p>
      <SearchBox variant="inline" />
    </div>
  );
}
