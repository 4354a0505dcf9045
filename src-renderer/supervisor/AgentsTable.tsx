// The agents of the supervisor's team(s): state (symbol + word), reason, time in state (ticking),
// calls handled and AHT today. Sortable (buttons in the headers, aria-sort), filtered by queue,
// team and state; a supervisor sets an agent's state (a break with a reason) from the row.
import { useMemo, useState } from 'react';
import { AGENT_STATES, CHOSEN_STATES, type AgentState, type BreakReason, type ChosenState } from '../../src-shared/agent-state/states';
import type { AgentStat, QueueStat } from '../../src-shared/supervisor/stats';
import { translate, useLang, useT, type StringKey } from '../i18n';
import { OFFLINE_NOT_REGISTERED, OFFLINE_SIGNED_OUT } from '../../src-shared/agent-state/machine';
import { StateIcon } from '../agent-state/StateIcon';
import { agentRows, clock, type SortKey } from './figures';
import { useSupervisor } from './store';

const STATE_KEY: Record<AgentState, StringKey> = {
  available: 'agentState.available', ringing: 'agentState.ringing', oncall: 'agentState.oncall',
  wrapup: 'agentState.wrapup', break: 'agentState.break', offline: 'agentState.offline',
};

/** The hub's words for why an agent is offline, in the UI language. */
const OFFLINE_REASON: Record<string, StringKey> = {
  [OFFLINE_NOT_REGISTERED]: 'agentState.reason.notRegistered',
  [OFFLINE_SIGNED_OUT]: 'agentState.reason.signedOut',
  'never signed in': 'queues.reason.neverSignedIn',
};

export function reasonLabel(code: string | null, reasons: readonly BreakReason[], lang: string): string {
  if (!code) return '';
  if (OFFLINE_REASON[code]) return translate(lang === 'it' ? 'it' : 'en', OFFLINE_REASON[code]);
  const r = reasons.find((x) => x.code === code);
  return r ? (lang === 'it' ? r.labelIt : r.labelEn) : code;
}

export function AgentsTable({ agents, queues, elapsedS }: { agents: readonly AgentStat[]; queues: readonly QueueStat[]; elapsedS: number }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const { filter, sort, reasons, setFilter, sortBy } = useSupervisor();
  const teamList = useSupervisor((s) => s.queueTeams);
  const queueTeams = useMemo(() => new Map(teamList.map((q) => [q.name, q.team])), [teamList]);
  const teams = useMemo(() => [...new Set(agents.map((a) => a.team).filter((x): x is string => Boolean(x)))].sort(), [agents]);
  const rows = agentRows(agents, filter, sort, queueTeams);

  const header = (key: SortKey, label: StringKey) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className="sort-btn" data-testid={`sort-${key}`} onClick={() => sortBy(key)}>
          {t(label)}
          <span aria-hidden="true" className="sort-mark">{active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
        </button>
      </th>
    );
  };

  return (
    <section className="queues-card agents-card" aria-labelledby="agents-title">
      <div className="queues-card-head">
        <h3 id="agents-title">{t('queues.agents')}</h3>
        <div className="agent-filters" role="group" aria-label={t('queues.filter')}>
          <label>
            {t('queues.filter.queue')}
            <select data-testid="filter-queue" value={filter.queue} onChange={(e) => setFilter({ queue: e.target.value })}>
              <option value="">{t('queues.filter.all')}</option>
              {queues.map((q) => <option key={q.queue} value={q.queue}>{q.label}</option>)}
            </select>
          </label>
          <label>
            {t('queues.filter.team')}
            <select data-testid="filter-team" value={filter.team} onChange={(e) => setFilter({ team: e.target.value })}>
              <option value="">{t('queues.filter.all')}</option>
              {teams.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </label>
          <label>
            {t('queues.filter.state')}
            <select data-testid="filter-state" value={filter.state} onChange={(e) => setFilter({ state: e.target.value })}>
              <option value="">{t('queues.filter.all')}</option>
              {AGENT_STATES.map((s) => <option key={s} value={s}>{t(STATE_KEY[s])}</option>)}
            </select>
          </label>
        </div>
      </div>
      <div className="table-scroll">
        <table className="agents-table" data-testid="agents-table">
          <caption className="sr-only">{t('queues.agents.caption', { n: rows.length })}</caption>
          <thead>
            <tr>
              {header('name', 'queues.col.agent')}
              {header('state', 'queues.col.state')}
              {header('reason', 'queues.col.reason')}
              {header('sinceS', 'queues.col.since')}
              {header('handled', 'queues.col.handled')}
              {header('ahtS', 'queues.col.aht')}
              <th scope="col">{t('queues.col.set')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.name} data-testid="agent-row" data-agent={a.name} data-state={a.state}>
                <th scope="row">
                  {a.name}
                  {a.extension && <span className="muted small"> · {a.extension}</span>}
                  {a.team && <span className="muted small"> · {a.team}</span>}
                </th>
                <td>
                  <span className={`agent-state state-${a.state}`}>
                    <StateIcon state={a.state} size={15} />
                    {t(STATE_KEY[a.state])}
                  </span>
                </td>
                <td>{reasonLabel(a.reason, reasons, lang)}</td>
                <td className="num">{clock(a.sinceS + elapsedS)}</td>
                <td className="num">{a.handled}</td>
                <td className="num">{clock(a.ahtS)}</td>
                <td><SetState agent={a} reasons={reasons} lang={lang} /></td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr><td colSpan={7} className="muted">{t('queues.agents.none')}</td></tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const CHOICE_KEY: Record<ChosenState, StringKey> = { available: 'agentState.available', break: 'agentState.break', offline: 'agentState.offline' };

function SetState({ agent, reasons, lang }: { agent: AgentStat; reasons: readonly BreakReason[]; lang: string }) {
  const t = useT();
  const setAgentState = useSupervisor((s) => s.setAgentState);
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  // one list: Available, Break: <reason> for each reason, Offline
  const options = CHOSEN_STATES.flatMap((s) =>
    s === 'break'
      ? reasons.map((r) => ({ value: `break:${r.code}`, label: `${t(CHOICE_KEY[s])}: ${lang === 'it' ? r.labelIt : r.labelEn}` }))
      : [{ value: s, label: t(CHOICE_KEY[s]) }]);
  const apply = async () => {
    if (!choice) return;
    const [state, reason] = choice.split(':') as [ChosenState, string | undefined];
    setBusy(true);
    if (await setAgentState(agent.name, state, reason ?? null)) setChoice('');
    setBusy(false);
  };
  return (
    <span className="set-state">
      <select aria-label={t('queues.set.for', { name: agent.name })} data-testid="set-state" value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value="">{t('queues.set.choose')}</option>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      <button type="button" className="btn btn-small" data-testid="set-state-apply" disabled={!choice || busy} onClick={() => void apply()}>
        {t('queues.set.apply')}
      </button>
    </span>
  );
}
