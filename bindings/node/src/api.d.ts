// ---------------------------------------------------------------------------
// The API written in JS (index.js) and the options objects, by hand; the
// Analyzer class below comes from the Rust code.

/** Options of `score(text, options)`. */
export interface ScoreOptions {
  /** The customer message the reply answers: acknowledgment counts when the customer is upset. */
  customer?: string | null
}

/** Options of `scoreMany(texts, options)` and `scoreManyAsync`. */
export interface ScoreManyOptions {
  /** One customer message per text (the context of each reply). */
  customers?: Array<string> | null
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
export declare function score(text: string, options?: ScoreOptions): MessageReport

/** Scores an agent `reply` to a `customer` message with the default pack. */
export declare function scoreReply(customer: string, reply: string): MessageReport

/** Scores many replies on all cores with the default pack, in input order. */
export declare function scoreMany(texts: Array<string>, options?: ScoreManyOptions): Array<MessageReport>

/** Like `scoreMany`, off the main thread. */
export declare function scoreManyAsync(texts: Array<string>, options?: ScoreManyOptions): Promise<Array<MessageReport>>

/** Reads a customer message with the default pack. */
export declare function analyzeCustomer(text: string): CustomerReport

/** Analyzes a conversation with the default pack. */
export declare function analyzeConversation(turns: Array<Turn>): ConversationReport

/** Splits text into tokens (UTF-16 offsets) with the default pack. */
export declare function tokenize(text: string): Array<Token>
