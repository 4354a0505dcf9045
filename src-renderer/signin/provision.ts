// A renewed SIP credential (the hub's GET /v1/me/sip, before the old one expires) means a new
// digest user for the softphone: it registers again with it, but only between calls, since a new
// user agent ends the calls of the old one. The old credential stays valid meanwhile.
import { bridge } from '../bridge';
import { softphone } from '../telephony/softphone';
import { useTelephony } from '../telephony/store';

let waiting: (() => void) | null = null;

export function reprovisionWhenIdle(): void {
  const busy = (): boolean => useTelephony.getState().calls.some((c) => c.state !== 'ended');
  const go = (): void => {
    void bridge.invoke('softphoneConfig', {}).then((config) => {
      if (config) void softphone.configure(config);
    }).catch(() => { /* the next renewal (or a reload) tries again */ });
  };
  waiting?.();
  waiting = null;
  if (!busy()) return go();
  const off = useTelephony.subscribe(() => {
    if (busy()) return;
    off();
    waiting = null;
    go();
  });
  waiting = off;
}
