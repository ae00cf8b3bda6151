//! Every LiteSVM test of `exchange`, one module per instruction and one per scenario, linked
//! into one binary (one link of LiteSVM and the SDK instead of one per file). A file is
//! still picked by its module: `cargo test -p exchange --test all bid_close::`.
mod auction_settle;
mod award_decline;
mod bid_close;
mod bid_commit;
mod bid_place;
mod bid_rerank;
mod bid_reveal;
mod budget_close;
mod budget_create;
mod budget_fund;
mod budget_pay;
mod budget_revoke;
mod config_init;
mod config_update;
mod dispute_open;
mod dispute_resolve;
mod error_codes;
mod escrow_claim;
mod failover_trigger;
mod fee_withdraw;
mod hire_accept;
mod hire_decline;
mod hire_from_offer;
mod intent_cancel;
mod intent_create;
mod intent_create_from_budget;
mod intent_link_parent;
mod scenario_auctions;
mod scenario_delivery;
mod scenario_fixed_addresses;
mod scenario_review_fixes;
mod scenario_second_review;
mod scenario_sub_intents;
mod security_txt;
