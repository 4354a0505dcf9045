// Types of the generated parser (sip-grammar.js): the same contract as sip.js's own.
export declare class SyntaxError extends Error {}
export declare function parse(input: string, options?: { startRule?: string; data?: unknown; grammarSource?: unknown }): unknown;
export declare const SIPJS_VERSION: string;
