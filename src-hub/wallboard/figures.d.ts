// Types of figures.js (a plain ES module: the browser loads it as-is, so it cannot be TypeScript).

export const SL_GOOD: number;
export const SL_WARN: number;
export const STALE_AFTER_MS: number;
export const SILENT_SOCKET_MS: number;

export type Band = 'good' | 'warn' | 'bad' | 'none';
export type AgentKey = 'available' | 'ringing' | 'onCall' | 'wrapUp' | 'break' | 'offline';
export type AgentCounts = Record<AgentKey, number>;

export interface BoardQueue {
  queue: string;
  label: string;
  waiting: number;
  longestWaitS: number;
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  timedOut: number;
  serviceLevelPct: number | null;
  abandonRatePct: number | null;
  asaS: number | null;
  ahtS: number | null;
  slSeconds: number;
  agents: AgentCounts;
}
export interface BoardAgent {
  name: string;
  state: AgentKey;
  reason: string | null;
  sinceS: number | null;
}
export interface BoardPicture {
  at: string | null;
  queues: BoardQueue[];
  agents: BoardAgent[];
}

export function clock(seconds: number | null | undefined): string;
export function percent(value: number | null | undefined): string;
export function slBand(value: number | null | undefined): { band: Band; word: string; symbol: string };
export function waitBand(longestWaitS: number, slSeconds: number, waiting: number): { band: Band; word: string };
export function ageText(ageMs: number | null | undefined): string;
export function isStale(ageMs: number | null | undefined): boolean;
export function backoffMs(attempt: number, random?: () => number): number;
export function tokenFromFragment(hash: string | null | undefined): string | null;
export const AGENT_STATES: readonly { key: AgentKey; label: string }[];
export function agentKey(state: unknown): AgentKey;
export function countAgents(agents: readonly { state?: unknown }[] | unknown): AgentCounts;
export function parseStats(msg: unknown): BoardPicture | null;
export function gridFor(n: number, aspect?: number): { cols: number; rows: number };
