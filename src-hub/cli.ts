// `pronto-hub` — the hub's command line (bin/pronto-hub.mjs runs this through tsx).
//
//   pronto-hub serve [--port P] [--host 127.0.0.1] [STORE]
//   pronto-hub import SOURCE FILE [--full] [STORE]        SOURCE: customers|products|purchases|accounts|credit
//   pronto-hub user add --name N --role agent|supervisor|admin [--team T] [--password P] [--extension X] [STORE]
//   pronto-hub user set NAME --extension X [STORE]
//   pronto-hub user disable|enable NAME | user password NAME [--password-file F] [STORE]
//   pronto-hub queue set --name Q --number N --team T [--strategy ring-all|longest-idle] [--ring-seconds S] … | queue list
//   pronto-hub break-reasons set FILE.json | break-reasons list [STORE]
//   pronto-hub token NAME [--hours H] [STORE] | token revoke --user NAME [STORE]
//   pronto-hub team set --name T --regions R1,R2 [STORE]
//   pronto-hub dispositions set FILE.json | dispositions list [STORE]
//   pronto-hub train-offers [STORE]
//   pronto-hub migrate [STORE]
//   pronto-hub snapshot build [--team T] [--all] [--snapshot-dir D] [STORE]
// STORE: --database-url URL (PostgreSQL) | --data-dir DIR (embedded PGlite); defaults from the
// environment (DATABASE_URL, PRONTO_HUB_DATA_DIR), else PGlite in ./.data/hub.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FEED_KINDS, type FeedKind } from '../src-shared/feeds/spec';
import { openStore, DataDirBusyError, type Store } from './db/store';
import { AdminError, addUser, issueDisplayToken, issueToken, revokeUserTokens, setTeam, setUserDisabled, setUserDisplayName, setUserExtension, setUserPassword } from './admin';
import { sipOptionsOf } from './auth/sip';
import { readSecret, SecretInputError, SECRET_ON_COMMAND_LINE } from './auth/secret-input';
import { listBreakReasons, listQueues, setBreakReasons, setQueue } from './agents/queues';
import { PbxLink } from './pbx/link';
import { AGENT_COLUMNS, agentReport, INTERVALS, QUEUE_COLUMNS, queueReport, toCsv, type Interval } from './stats/reports';
import { importFeed } from './feeds/import';
import { buildHub } from './http/app';
import { DispositionSet, listDispositions, setDispositions } from './dispositions';
import { trainOffers, trainSummary } from './offers/train';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSnapshots, startSnapshotRefresher } from './sync/snapshot';
import { ConfigError } from '../src-shared/config/define';
import { hubHttpOptions, hubUrl } from './http/server-options';
import { DEFAULT_PORT, loadHubConfig, type HubConfig } from './config';

export { DEFAULT_PORT };

const USAGE = `usage: pronto-hub COMMAND [options]

  serve [--port P] [--host H] [--pbx-evapi HOST:PORT] [--sip-server wss://… --autheph-secret-file F]
                                           run the hub (default ${DEFAULT_PORT}, 127.0.0.1); with a PBX event
                                           link: agent states and queues to the PBX, queue events from it;
        [--tls-cert F --tls-key F] [--trust-proxy ADDRS]   HTTPS/WSS; proxies to believe (src-hub/README.md)
  import SOURCE FILE [--full]              import a feed (CSV, or NDJSON for *.ndjson/*.jsonl);
                                           SOURCE: ${FEED_KINDS.join('|')}; --full deletes rows missing from FILE
  user add --name N --role R [--team T] [--password-file F | --password-stdin] [--extension X] [--display-name D]
                                           R: agent|supervisor|admin; prints the password when generated;
                                           X: the user's SIP extension at the PBX; F: a file holding the
                                           password ("-": stdin); --password P still works but shows it in ps
  user set NAME --extension X | --display-name D
                                           change (or with "" remove) a user's SIP extension / display name
  user disable NAME                        no more logins; every token of the user stops working at once
  user enable NAME                         undo user disable
  user password NAME [--password-file F]   set a new password (from F, else the first line of stdin);
                                           revokes the user's tokens
  queue set --name Q --number N --team T [--strategy ring-all|longest-idle] [--ring-seconds 15]
            [--max-wait-seconds 120] [--sl-seconds 20] [--short-abandon-seconds 5] [--wrap-up-seconds 60]
            [--wrap-up-policy available|stay] [--ring-no-answer none|break]
                                           create or change a queue (the PBX gets it at once)
  queue list                               print the queues
  break-reasons set FILE.json              replace the break reasons ([{code,labelEn,labelIt}])
  break-reasons list                       print the break reasons (retired ones marked)
  token NAME [--hours H]                   print a new bearer token for user NAME (no expiry unless --hours:
                                           then it lasts H hours, renewed while in use)
  token revoke --user NAME                 revoke every token of user NAME (logins, scripts, displays)
  token --display NAME [--team T]          a wallboard's read-only token (live statistics of team T, or all)
  report queues|agents --from ISO --to ISO [--interval 15m|1h|1d] [--csv]
                                           historical figures (JSON lines, or CSV), the live view's definitions
  team set --name T --regions R1,R2        the customer regions team T sees
  dispositions set FILE.json               replace the disposition codes ([{code,category,labelEn,labelIt,position?}])
  dispositions list                        print the disposition codes (retired ones marked)
  train-offers                             train the next-best-offer model from all purchases and publish it
  migrate                                  apply database migrations and exit
  snapshot build [--team T] [--all]        build initial-sync snapshots (every team and the whole hub;
                                           --team: that team only, plus the whole hub with --all);
                                           (serve also keeps them fresh); a running PGlite hub:
                                           POST /v1/sync/snapshot/build

store (every command): --database-url URL (PostgreSQL) | --data-dir DIR (embedded PGlite)
  env: DATABASE_URL, PRONTO_HUB_DATA_DIR; default: PGlite in ./.data/hub
  (every setting and its variable: the README's "Hub configuration" table)
snapshots (serve, snapshot): --snapshot-dir D, env PRONTO_HUB_SNAPSHOT_DIR;
  default: DIR/snapshots with --data-dir, ./.data/hub-snapshots with PostgreSQL;
  serve keeps each team's snapshot fresh (every 10 min it builds one for a team of 100,000+ rows,
  and again once 10 % of it has changed); PRONTO_HUB_SNAPSHOTS=0 turns that off
`;

const OPTIONS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  team: { type: 'string' },
  password: { type: 'string' },
  'password-file': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'display-name': { type: 'string' },
  user: { type: 'string' },
  hours: { type: 'string' },
  'sip-server': { type: 'string' },
  'autheph-secret-file': { type: 'string' },
  regions: { type: 'string' },
  full: { type: 'boolean' },
  all: { type: 'boolean' },
  'snapshot-dir': { type: 'string' },
  extension: { type: 'string' },
  'pbx-evapi': { type: 'string' },
  display: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  interval: { type: 'string' },
  csv: { type: 'boolean' },
  number: { type: 'string' },
  strategy: { type: 'string' },
  'ring-seconds': { type: 'string' },
  'max-wait-seconds': { type: 'string' },
  'sl-seconds': { type: 'string' },
  'short-abandon-seconds': { type: 'string' },
  'wrap-up-seconds': { type: 'string' },
  'wrap-up-policy': { type: 'string' },
  'ring-no-answer': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'trust-proxy': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** serve: resolves when the server should stop (default: SIGINT/SIGTERM). */
  untilStopped?: () => Promise<void>;
  /** serve: called with the listening URL (tests). */
  onListening?: (url: string) => void;
  /** All of standard input (passwords given on stdin); default: process.stdin. */
  stdin?: () => Promise<string>;
}

class UsageError extends Error {}

function storeOptions(values: { 'database-url'?: string; 'data-dir'?: string }, config: HubConfig) {
  if (values['database-url'] && values['data-dir']) throw new UsageError('give either --database-url or --data-dir, not both');
  const common = { trace: config.trace };
  // A --data-dir flag beats DATABASE_URL in the environment; otherwise PostgreSQL when a URL is known.
  if (config.databaseUrl && !values['data-dir']) return { ...common, databaseUrl: config.databaseUrl, poolSize: config.poolSize };
  return { ...common, dataDir: config.dataDir };
}

function snapshotDir(config: HubConfig, store: { dataDir?: string } | { databaseUrl: string }): string {
  return config.snapshotDir ?? ('dataDir' in store && store.dataDir ? join(store.dataDir, 'snapshots') : '.data/hub-snapshots');
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function main(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const out = io.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = io.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const env = io.env ?? process.env;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    err(`pronto-hub: ${(e as Error).message}`);
    err(USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd) {
    (values.help ? out : err)(USAGE);
    return values.help ? 0 : 2;
  }
  let config: HubConfig;
  try {
    config = loadHubConfig(values, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(`pronto-hub: ${e.message}`);
    return 2;
  }

  let store: Store | null = null;
  const open = async () => (store = await openStore(storeOptions(values, config)));
  try {
    switch (cmd) {
      case 'serve': {
        if (rest.length) throw new UsageError(`serve takes no arguments (got ${rest.join(' ')})`);
        const { port, host } = config;
        const s = await open();
        const snapDir = snapshotDir(config, storeOptions(values, config));
        const net = hubHttpOptions(config); // TLS, trusted proxies, feed size limit
        const sip = sipOptionsOf(config, err); // SIP provisioning at login (issue 20); none without a SIP server
        const app = await buildHub({ store: s, snapshotDir: snapDir, ...net, sip, tokenHours: config.tokenHours });
        // PRONTO_HUB_SNAPSHOTS=0: snapshots only when built by hand (snapshot build, or the admin route)
        const refresher = config.snapshots ? startSnapshotRefresher(s, snapDir, { log: err }) : null;
        await app.listen({ port, host });
        // the PBX event link (agent states and queues out, queue events in)
        const link = config.pbxEvapi ? new PbxLink(s, { ...config.pbxEvapi, log: err }) : null;
        await link?.start();
        const addr = app.server.address();
        const actual = typeof addr === 'object' && addr ? addr.port : port;
        const url = hubUrl(host, actual, Boolean(net.tls));
        out(`Pronto hub: ${url}`);
        err(`store: ${s.label}`);
        io.onListening?.(url);
        await (io.untilStopped ?? waitForSignal)();
        await refresher?.stop();
        await link?.stop();
        await app.close();
        return 0;
      }
      case 'import': {
        const [source, file] = rest;
        if (!source || !file || rest.length > 2) throw new UsageError('usage: pronto-hub import SOURCE FILE [--full]');
        if (!(FEED_KINDS as string[]).includes(source)) throw new UsageError(`SOURCE must be one of ${FEED_KINDS.join(', ')} (got "${source}")`);
        const s = await open();
        const r = await importFeed(s, source as FeedKind, file, { file, full: values.full ?? false });
        if (!r.ok) {
          for (const p of r.problems) err(p);
          err(`${file}: ${r.total} problem${r.total === 1 ? '' : 's'}; nothing imported`);
          return 1;
        }
        out(`${source}: ${r.rows} rows, ${r.changed} changed, ${r.deleted} deleted${r.moved ? `, ${r.moved} moved region` : ''} (change log at ${r.seq})`);
        return 0;
      }
      case 'user': {
        if (rest[0] === 'set') {
          if (rest.length !== 2 || (values.extension === undefined && values['display-name'] === undefined)) throw new UsageError('usage: pronto-hub user set NAME --extension X | --display-name D');
          const s = await open();
          if (values.extension !== undefined) {
            const r = await setUserExtension(s, rest[1]!, values.extension === '' ? null : values.extension);
            out(`user ${r.name}: extension ${r.extension ?? '(none)'}`);
          }
          if (values['display-name'] !== undefined) {
            const r = await setUserDisplayName(s, rest[1]!, values['display-name'] === '' ? null : values['display-name']);
            out(`user ${r.name}: display name ${r.displayName ?? '(the user name)'}`);
          }
          return 0;
        }
        if (rest[0] === 'disable' || rest[0] === 'enable') {
          if (rest.length !== 2) throw new UsageError(`usage: pronto-hub user ${rest[0]} NAME`);
          const s = await open();
          const r = await setUserDisabled(s, rest[1]!, rest[0] === 'disable');
          out(r.disabled ? `user ${r.name} disabled (${r.tokensRevoked} token${r.tokensRevoked === 1 ? '' : 's'} revoked)` : `user ${r.name} enabled`);
          return 0;
        }
        if (rest[0] === 'password') {
          if (rest.length !== 2) throw new UsageError('usage: pronto-hub user password NAME [--password-file FILE]   (else the password is read from stdin)');
          if (values.password !== undefined) err(SECRET_ON_COMMAND_LINE('--password'));
          const password = values.password ?? (await readSecret(values['password-file'] ?? '-', io.stdin));
          const s = await open();
          const r = await setUserPassword(s, rest[1]!, password);
          out(`user ${r.name}: password changed (${r.tokensRevoked} token${r.tokensRevoked === 1 ? '' : 's'} revoked)`);
          return 0;
        }
        if (rest[0] !== 'add' || rest.length !== 1) throw new UsageError('usage: pronto-hub user add --name N --role agent|supervisor|admin [--team T] [--password-file F] [--extension X] | user set NAME --extension X | user disable|enable|password NAME');
        if (!values.name || !values.role) throw new UsageError('user add needs --name and --role');
        const sources = [values.password !== undefined, values['password-file'] !== undefined, values['password-stdin'] === true].filter(Boolean).length;
        if (sources > 1) throw new UsageError('give the password one way: --password-file F, --password-stdin or --password P');
        // --password stays (scripts use it) but other users see it in ps: say so
        if (values.password !== undefined) err(SECRET_ON_COMMAND_LINE('--password'));
        const password = values['password-file'] !== undefined || values['password-stdin']
          ? await readSecret(values['password-stdin'] ? '-' : values['password-file']!, io.stdin)
          : values.password ?? null;
        const s = await open();
        const r = await addUser(s, { name: values.name, role: values.role, team: values.team ?? null, password, extension: values.extension ?? null, displayName: values['display-name'] ?? null });
        out(`user ${r.name} (${r.role}${r.team ? `, team ${r.team}` : ''}${r.extension ? `, extension ${r.extension}` : ''}) added`);
        if (r.generatedPassword) out(`password: ${r.generatedPassword}`);
        return 0;
      }
      case 'queue': {
        const s = await open();
        if (rest[0] === 'list' && rest.length === 1) {
          for (const q of await listQueues(s)) {
            out(`${q.number}\t${q.name}\tteam ${q.team}\t${q.strategy}\tring ${q.ringSeconds}s\tmax wait ${q.maxWaitSeconds}s\tSL ${q.slSeconds}s\tshort abandon ${q.shortAbandonSeconds}s\twrap-up ${q.wrapUpSeconds}s (${q.wrapUpPolicy})\tno answer: ${q.ringNoAnswer}`);
          }
          return 0;
        }
        if (rest[0] !== 'set' || rest.length !== 1) throw new UsageError('usage: pronto-hub queue set --name Q --number N --team T [...] | queue list');
        if (!values.name || !values.number || !values.team) throw new UsageError('queue set needs --name, --number and --team');
        const int = (flag: string, v: string | undefined) => {
          if (v === undefined) return undefined;
          if (!/^\d+$/.test(v)) throw new UsageError(`--${flag}: "${v}" is not a whole number of seconds`);
          return Number(v);
        };
        const q = await s.tx((tx) => setQueue(tx, {
          name: values.name, number: values.number, team: values.team, strategy: values.strategy,
          ringSeconds: int('ring-seconds', values['ring-seconds']), maxWaitSeconds: int('max-wait-seconds', values['max-wait-seconds']),
          slSeconds: int('sl-seconds', values['sl-seconds']), shortAbandonSeconds: int('short-abandon-seconds', values['short-abandon-seconds']),
          wrapUpSeconds: int('wrap-up-seconds', values['wrap-up-seconds']), wrapUpPolicy: values['wrap-up-policy'], ringNoAnswer: values['ring-no-answer'],
        }));
        out(`queue ${q.name}: number ${q.number}, team ${q.team}, ${q.strategy}`);
        return 0;
      }
      case 'break-reasons': {
        const [sub, file] = rest;
        const s = await open();
        if (sub === 'list' && rest.length === 1) {
          for (const r of await listBreakReasons(s, true)) out(`${r.code}\t${r.labelEn}\t${r.labelIt}${r.active ? '' : '\t(retired)'}`);
          return 0;
        }
        if (sub !== 'set' || !file || rest.length !== 2) throw new UsageError('usage: pronto-hub break-reasons set FILE.json | break-reasons list');
        let list: unknown;
        try {
          list = JSON.parse(readFileSync(file, 'utf8'));
        } catch (e) {
          throw new UsageError(`${file}: ${(e as Error).message}`);
        }
        const r = await s.tx((tx) => setBreakReasons(tx, list));
        out(`break reasons: ${r.active} active, ${r.retired} retired`);
        return 0;
      }
      case 'report': {
        const [what] = rest;
        if ((what !== 'queues' && what !== 'agents') || rest.length !== 1 || !values.from || !values.to) {
          throw new UsageError('usage: pronto-hub report queues|agents --from ISO --to ISO [--interval 15m|1h|1d] [--csv]');
        }
        const from = Date.parse(values.from);
        const to = Date.parse(values.to);
        if (Number.isNaN(from) || Number.isNaN(to) || !(from < to)) throw new UsageError(`--from ${values.from} --to ${values.to}: two ISO 8601 instants, from before to`);
        const interval = (values.interval ?? '1h') as Interval;
        if (!(interval in INTERVALS)) throw new UsageError(`--interval: "${values.interval}" is not 15m, 1h or 1d`);
        const s = await open();
        if (what === 'queues') {
          const rows = await queueReport(s, from, to, interval, null);
          if (values.csv) for (const l of toCsv(rows, QUEUE_COLUMNS).split('\n').slice(0, -1)) out(l); // each keeps its \r: CRLF
          else for (const r of rows) out(JSON.stringify(r));
        } else {
          const rows = await agentReport(s, from, to, null);
          if (values.csv) for (const l of toCsv(rows, AGENT_COLUMNS).split('\n').slice(0, -1)) out(l);
          else for (const r of rows) out(JSON.stringify(r));
        }
        return 0;
      }
      case 'token': {
        if (values.display !== undefined) {
          if (rest.length) throw new UsageError('usage: pronto-hub token --display NAME [--team T]');
          const s = await open();
          out(await issueDisplayToken(s, values.display, values.team ?? null));
          return 0;
        }
        if (rest[0] === 'revoke') {
          if (rest.length !== 1 || !values.user) throw new UsageError('usage: pronto-hub token revoke --user NAME');
          const s = await open();
          const n = await revokeUserTokens(s, values.user);
          out(`${n} token${n === 1 ? '' : 's'} of ${values.user} revoked`);
          return 0;
        }
        const [name] = rest;
        if (!name || rest.length !== 1) throw new UsageError('usage: pronto-hub token NAME [--hours H] | token revoke --user NAME');
        let hours: number | undefined;
        if (values.hours !== undefined) {
          hours = Number(values.hours);
          if (!(hours > 0)) throw new UsageError(`--hours: "${values.hours}" is not a positive number of hours`);
        }
        const s = await open();
        out(await issueToken(s, name, 'cli', { hours }));
        return 0;
      }
      case 'team': {
        if (rest[0] !== 'set' || rest.length !== 1) throw new UsageError('usage: pronto-hub team set --name T --regions R1,R2');
        if (!values.name || values.regions === undefined) throw new UsageError('team set needs --name and --regions');
        const s = await open();
        const t = await setTeam(s, values.name, values.regions.split(','));
        out(`team ${t.name}: ${t.regions.length ? t.regions.join(', ') : '(no regions)'}`);
        return 0;
      }
      case 'dispositions': {
        const [sub, file] = rest;
        if (sub === 'list' && rest.length === 1) {
          const s = await open();
          for (const d of await listDispositions(s)) out(`${d.code}\t${d.category}\t${d.labelEn}\t${d.labelIt}\t${d.position}${d.active ? '' : '\tretired'}`);
          return 0;
        }
        if (sub !== 'set' || !file || rest.length !== 2) throw new UsageError('usage: pronto-hub dispositions set FILE.json | pronto-hub dispositions list');
        let json: unknown;
        try {
          json = JSON.parse(readFileSync(file, 'utf8'));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code) throw e;
          err(`pronto-hub: ${file}: not JSON: ${(e as Error).message}`);
          return 1;
        }
        const list = DispositionSet.safeParse(json);
        if (!list.success) {
          for (const i of list.error.issues) err(`${file}: ${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
          return 1;
        }
        const s = await open();
        const r = await setDispositions(s, list.data);
        out(`dispositions: ${r.active} active, ${r.retired} retired, ${r.changed} published (change log at ${r.seq})`);
        return 0;
      }
      case 'snapshot': {
        if (rest[0] !== 'build' || rest.length !== 1) throw new UsageError('usage: pronto-hub snapshot build [--team T] [--all] [--snapshot-dir D]');
        const dir = snapshotDir(config, storeOptions(values, config));
        const s = await open();
        for (const m of await buildSnapshots(s, dir, { team: values.team, all: values.all, log: err })) {
          out(`snapshot ${m.team ? `team ${m.team}` : 'whole hub'}: ${m.rows} rows at checkpoint ${m.checkpoint}, ${m.bytes} bytes (${join(dir, m.file)})`);
        }
        return 0;
      }
      case 'train-offers': {
        if (rest.length) throw new UsageError('train-offers takes no arguments');
        const s = await open();
        out(trainSummary(await trainOffers(s)));
        return 0;
      }
      case 'migrate': {
        const s = await open();
        out(`migrations applied (${s.label})`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`pronto-hub: ${e.message}`);
      return 2;
    }
    if (e instanceof AdminError || e instanceof DataDirBusyError || e instanceof ConfigError || e instanceof SecretInputError) {
      err(`pronto-hub: ${e.message}`);
      return 1;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      err(`pronto-hub: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  } finally {
    await (store as Store | null)?.close();
  }
}
