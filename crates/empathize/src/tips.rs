//! Tips: what a reply or a conversation is missing, with stable codes.

use crate::report::{Dimension, Flag, ReplyContext, Tip};
use crate::score::OFFERS_SOMETHING;

macro_rules! tips {
    ($($name:ident = $code:literal : $message:literal;)+) => {
        $(pub(crate) const $name: Tip = Tip { code: $code, message: $message };)+
        /// Every tip the library can give.
        pub const ALL: &[Tip] = &[$($name),+];
    };
}

tips! {
    ACKNOWLEDGE_FEELINGS = "acknowledge_feelings":
        "The customer is upset: name or validate the feeling before anything else.";
    ACKNOWLEDGE_BEFORE_POLICY = "acknowledge_before_policy":
        "Acknowledge the problem before explaining the policy.";
    OFFER_ALTERNATIVE = "offer_alternative":
        "Say what you can do: a fix, an alternative or options, even when the answer is no.";
    CONFIRM_RESOLUTION = "confirm_resolution":
        "Check that the fix worked: ask the customer to confirm, or say when you will check back.";
    APOLOGIZE_SINCERELY = "apologize_sincerely":
        "Apologize for what happened, without \"if\" or \"but\", instead of for how the customer feels.";
    AVOID_BLAME = "avoid_blame":
        "Leave out what the customer should have done; focus on fixing it.";
    AVOID_SCRIPTED_PHRASES = "avoid_scripted_phrases":
        "Replace scripted filler with words about this customer's actual problem.";
    ADD_GREETING = "add_greeting":
        "Open with a greeting and close with a courteous line; a bare one-liner reads as rushed.";
    TAKE_OWNERSHIP = "take_ownership":
        "Take the problem on: say what you will do and when.";
    AVOID_DISMISSIVE = "avoid_dismissive":
        "Drop dismissive phrases such as \"calm down\" or \"as I said\".";
    OWN_THE_PROBLEM = "own_the_problem":
        "Do not send the customer elsewhere: own the problem or hand it over yourself.";
    AVOID_SHOUTING = "avoid_shouting":
        "Write in sentence case and with calm punctuation.";
    ASK_OPEN_QUESTION = "ask_open_question":
        "Ask an open question about what the customer needs or prefers.";
    EMPATHIZE_EARLIER = "empathize_earlier":
        "Empathy came only after the customer's distress peaked: acknowledge it at the first sign.";
    VARY_PHRASING = "vary_phrasing":
        "The same phrase was reused across replies: answer each remark in your own words.";
    MIX_QUESTIONS_WITH_HELP = "mix_questions_with_help":
        "Several replies in a row only asked questions: explain why you ask and give something back.";
}

/// What the reply tips are decided from.
pub(crate) struct ReplyFacts<'a> {
    pub ctx: Option<&'a ReplyContext>,
    pub flags: &'a [Flag],
    pub has: &'a dyn Fn(Dimension) -> bool,
    pub empathic: bool,
    pub policy_first: bool,
    pub words: usize,
}

/// The tips for one reply, most important first.
pub(crate) fn for_reply(f: &ReplyFacts<'_>) -> Vec<Tip> {
    let mut tips = Vec::new();
    let flag = |x: Flag| f.flags.contains(&x);
    let upset = f.ctx.is_some_and(|c| c.distress_level >= 1 || c.complaint);
    let has = f.has;
    if upset && !f.empathic {
        tips.push(ACKNOWLEDGE_FEELINGS);
    }
    if f.policy_first {
        tips.push(ACKNOWLEDGE_BEFORE_POLICY);
    }
    // Options, taking it on, or a promise to come back with news.
    let no_way_forward = !OFFERS_SOMETHING.iter().any(|&d| has(d));
    if flag(Flag::RefusalWithoutAlternative)
        || (f.ctx.is_some_and(|c| c.complaint) && no_way_forward)
    {
        tips.push(OFFER_ALTERNATIVE);
    }
    if flag(Flag::NonApology) {
        tips.push(APOLOGIZE_SINCERELY);
    }
    if flag(Flag::Blame) {
        tips.push(AVOID_BLAME);
    }
    if flag(Flag::Dismissive) {
        tips.push(AVOID_DISMISSIVE);
    }
    if flag(Flag::Deflection) {
        tips.push(OWN_THE_PROBLEM);
    }
    if flag(Flag::Hollow) {
        tips.push(AVOID_SCRIPTED_PHRASES);
    }
    if flag(Flag::Shouting) {
        tips.push(AVOID_SHOUTING);
    }
    if flag(Flag::Curt) && !has(Dimension::Warmth) {
        tips.push(ADD_GREETING);
    }
    if has(Dimension::Ownership) && !has(Dimension::FollowUp) {
        tips.push(CONFIRM_RESOLUTION);
    }
    if upset && no_way_forward && !has(Dimension::Exploration) && f.words > 0 {
        if !tips.contains(&OFFER_ALTERNATIVE) {
            tips.push(TAKE_OWNERSHIP);
        }
        if !has(Dimension::Restatement) {
            tips.push(ASK_OPEN_QUESTION);
        }
    }
    tips
}
