//! The SDK's chain behaviour suite on the embedded chain (LiteSVM with the built programs).
use agx_sdk::chain::{EmbeddedChain, SlotClock};
use agx_tests::{Keypair, Signer};

#[test]
fn the_sdk_behaves_on_the_embedded_chain() {
    let authority = Keypair::new();
    let chain =
        EmbeddedChain::new(&agx_sdk::program_dir(), authority.pubkey(), SlotClock::AsFastAsPossible).unwrap();
    let dir = tempfile::tempdir().unwrap();
    agx_tests::chain_suite::run(&chain, &authority, dir.path()).unwrap();
}

#[test]
fn the_real_time_clock_moves_by_itself() {
    use agx_sdk::chain::Chain;
    let slot_time = std::time::Duration::from_millis(20);
    let chain = EmbeddedChain::new(
        &agx_sdk::program_dir(),
        Keypair::new().pubkey(),
        SlotClock::RealTime { slot_time },
    )
    .unwrap();
    let first = chain.slot().unwrap();
    std::thread::sleep(slot_time * 5);
    assert!(chain.slot().unwrap() > first, "slots pass with the wall clock");
    assert!(chain.wait_for_slot(first + 10).unwrap() >= first + 10);
}

/// The example agent (`sdk/examples/agent.rs`), compiled here as a module so that its embedded
/// run is a test.
#[path = "../../sdk/examples/agent.rs"]
#[allow(dead_code)]
mod example_agent;

#[test]
fn the_example_agent_bids_delivers_and_is_paid() {
    let paid = example_agent::run_embedded().unwrap();
    assert_eq!(paid.price, 900_000, "90% of the ceiling, won at once");
    assert_eq!(paid.fee, 18_000, "the sandbox's 2% reputation fee");
    assert_eq!((paid.paid, paid.completed), (paid.price - paid.fee, 1));
}
