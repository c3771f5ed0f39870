// ---------------------------------------------------------------------------
// The API written in JS (index.js), the options objects and the scoring
// methods of Analyzer (overloads: `{ summary: true }` gives `ReplySummary`),
// by hand; the rest of the Analyzer class below comes from the Rust code.

/** Options of `score(text, options)`. */
export interface ScoreOptions {
  /** The customer message the reply answers: acknowledgment counts when the customer is upset. */
  customer?: string | null
  /**
   * `true`: return a `ReplySummary` (score, dimensions, flags, EPITOME levels,
   * strategies, tips, context; no matches, evidence or breakdown, which are
   * never built), equal to those fields of the full report and cheaper.
   */
  summary?: boolean | null
}

/** Options of `scoreReply(customer, reply, options)`. */
export interface ScoreReplyOptions {
  /** `true`: return a `ReplySummary` (see `ScoreOptions.summary`). */
  summary?: boolean | null
}

/** Options of `scoreMany(texts, options)` and `scoreManyAsync`. */
export interface ScoreManyOptions {
  /** One customer message per text (the context of each reply). */
  customers?: Array<string> | null
  /** `true`: return `ReplySummary` reports (see `ScoreOptions.summary`). */
  summary?: boolean | null
}

/** Options that ask for summaries: the calls return `ReplySummary`. */
export type Summarized<O> = O & { summary: true }
/** Options that ask for full reports (no `summary`, or `false`). */
export type Full<O> = O & { summary?: false | null }

/**
 * The scoring methods (the class itself is declared below, from the Rust
 * code). With `{ summary: true }` they return `ReplySummary` reports.
 */
export interface Analyzer {
  /**
   * Scores an agent reply. Give the customer message it answers as
   * `{ customer }` to make acknowledgment count when the customer is upset.
   */
  score(text: string, options?: Full<ScoreOptions>): MessageReport
  /** Scores an agent reply, as a `ReplySummary` (no matches, evidence or breakdown). */
  score(text: string, options: Summarized<ScoreOptions>): ReplySummary
  /** Scores an agent reply: a `ReplySummary` when `options.summary` is true, else a `MessageReport`. */
  score(text: string, options?: ScoreOptions): MessageReport | ReplySummary
  /** Scores an agent `reply` to a `customer` message. */
  scoreReply(customer: string, reply: string, options?: Full<ScoreReplyOptions>): MessageReport
  /** Scores an agent `reply` to a `customer` message, as a `ReplySummary`. */
  scoreReply(customer: string, reply: string, options: Summarized<ScoreReplyOptions>): ReplySummary
  /** Scores an agent `reply` to a `customer` message: a `ReplySummary` when `options.summary` is true. */
  scoreReply(customer: string, reply: string, options?: ScoreReplyOptions): MessageReport | ReplySummary
  /**
   * Scores many replies on all cores, in input order; `{ customers }` gives
   * the customer message of each.
   */
  scoreMany(texts: Array<string>, options?: Full<ScoreManyOptions>): Array<MessageReport>
  /** Scores many replies on all cores, in input order, as `ReplySummary` reports. */
  scoreMany(texts: Array<string>, options: Summarized<ScoreManyOptions>): Array<ReplySummary>
  /** Scores many replies on all cores: `ReplySummary` reports when `options.summary` is true. */
  scoreMany(texts: Array<string>, options?: ScoreManyOptions): Array<MessageReport> | Array<ReplySummary>
  /** Like `scoreMany`, off the main thread: the Promise resolves with the reports. */
  scoreManyAsync(texts: Array<string>, options?: Full<ScoreManyOptions>): Promise<Array<MessageReport>>
  /** Like `scoreMany`, off the main thread, resolving with `ReplySummary` reports. */
  scoreManyAsync(texts: Array<string>, options: Summarized<ScoreManyOptions>): Promise<Array<ReplySummary>>
  /** Like `scoreMany`, off the main thread: `ReplySummary` reports when `options.summary` is true. */
  scoreManyAsync(
    texts: Array<string>,
    options?: ScoreManyOptions,
  ): Promise<Array<MessageReport> | Array<ReplySummary>>
}

/**
 * The roles a turn may carry (any case): the canonical names and their
 * aliases. Any other string throws an `Error` with code `INVALID_ARG`.
 */
export type RoleName =
  | Role
  | 'user'
  | 'client'
  | 'human'
  | 'caller'
  | 'assistant'
  | 'bot'
  | 'rep'
  | 'support'
  | 'representative'
  | (string & {})

/** The `code` of every error this package throws. */
export type ErrorCode = 'INVALID_ARG_TYPE' | 'INVALID_ARG' | 'RULE_PACK' | 'INTERNAL'

/**
 * A malformed rule pack (`code === 'RULE_PACK'`). The message names the rule,
 * field and line; the same facts are properties (`null` when unknown).
 */
export interface RulePackError extends Error {
  code: 'RULE_PACK'
  /** The id of the offending rule (or lexicon name). */
  rule: string | null
  /** The offending field (`patterns`, `category`, …). */
  field: string | null
  /** The 1-based line in the TOML source. */
  line: number | null
  /** The pack (`custom`, `extra pack #1`, …) the error is in. */
  pack: string | null
  /** The description of the problem, without location. */
  detail: string
}

/**
 * Scores an agent reply with the default English pack; give the customer
 * message it answers as `{ customer }`.
 *
 * ```js
 * const r = score('Nope.', { customer: "My order is late and I'm furious!" })
 * r.score            // low
 * r.flags            // ['curt', ...]
 * r.tips[0].message  // what to do instead
 * ```
 */
export declare function score(text: string, options?: Full<ScoreOptions>): MessageReport
/**
 * Scores an agent reply with the default pack, as a `ReplySummary`: the
 * report's fields without matches, evidence and breakdown (never built).
 *
 * ```js
 * const s = score('Nope.', { customer: "My order is late and I'm furious!", summary: true })
 * s.score, s.flags, s.tips  // as in the full report
 * ```
 */
export declare function score(text: string, options: Summarized<ScoreOptions>): ReplySummary
/** Scores an agent reply with the default pack: a `ReplySummary` when `options.summary` is true. */
export declare function score(text: string, options?: ScoreOptions): MessageReport | ReplySummary

/** Scores an agent `reply` to a `customer` message with the default pack. */
export declare function scoreReply(customer: string, reply: string, options?: Full<ScoreReplyOptions>): MessageReport
/** Scores an agent `reply` to a `customer` message with the default pack, as a `ReplySummary`. */
export declare function scoreReply(customer: string, reply: string, options: Summarized<ScoreReplyOptions>): ReplySummary
/** Scores an agent `reply` to a `customer` message: a `ReplySummary` when `options.summary` is true. */
export declare function scoreReply(
  customer: string,
  reply: string,
  options?: ScoreReplyOptions,
): MessageReport | ReplySummary

/** Scores many replies on all cores with the default pack, in input order. */
export declare function scoreMany(texts: Array<string>, options?: Full<ScoreManyOptions>): Array<MessageReport>
/** Scores many replies on all cores with the default pack, as `ReplySummary` reports. */
export declare function scoreMany(texts: Array<string>, options: Summarized<ScoreManyOptions>): Array<ReplySummary>
/** Scores many replies on all cores: `ReplySummary` reports when `options.summary` is true. */
export declare function scoreMany(
  texts: Array<string>,
  options?: ScoreManyOptions,
): Array<MessageReport> | Array<ReplySummary>

/** Like `scoreMany`, off the main thread. */
export declare function scoreManyAsync(
  texts: Array<string>,
  options?: Full<ScoreManyOptions>,
): Promise<Array<MessageReport>>
/** Like `scoreMany`, off the main thread, resolving with `ReplySummary` reports. */
export declare function scoreManyAsync(
  texts: Array<string>,
  options: Summarized<ScoreManyOptions>,
): Promise<Array<ReplySummary>>
/** Like `scoreMany`, off the main thread: `ReplySummary` reports when `options.summary` is true. */
export declare function scoreManyAsync(
  texts: Array<string>,
  options?: ScoreManyOptions,
): Promise<Array<MessageReport> | Array<ReplySummary>>

/** Reads a customer message with the default pack. */
export declare function analyzeCustomer(text: string): CustomerReport

/** Analyzes a conversation with the default pack. */
export declare function analyzeConversation(turns: Array<Turn>): ConversationReport

/** Splits text into tokens (UTF-16 offsets) with the default pack. */
export declare function tokenize(text: string): Array<Token>
