// The Agent Exchange from TypeScript, as a third-party client would use it: the stock Anchor
// client (`@anchor-lang/core`) with the committed IDLs and their generated types (`idl/`), and
// nothing else of this project. Every account the programs can state (configs, PDAs, mints and
// token programs from the configs, accounts related to the intent or the bid) is left to the
// client to resolve; only the objects a user names are passed (and `registry: {}`, the empty
// group of the registry accounts, which the client's types still ask for).
//
// An agent registers and stakes; a requester posts a continuous auction; the agent bids past the
// score threshold and wins at once, delivers, and the requester accepts and rates it; the bid and
// the intent close and their rent goes back. Prints a JSON summary on stdout (the Rust test
// `tests/tests/ts_client.rs` checks it against the chain).
//
// Environment: AGX_URL (RPC), AGX_REQUESTER_KEYPAIR and AGX_AGENT_KEYPAIR (keypair JSON files,
// funded; the requester holds the payment mint, the agent the stake mint), AGX_PAY_MINT;
// optionally AGX_CLOSE_AFTER_MS (leave the closes to a keeper for that long first).
import { readFileSync } from "fs";
import { join } from "path";
import { createHash } from "crypto";
import { AnchorProvider, BN, Program, Wallet } from "@anchor-lang/core";
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { getAccount, getAssociatedTokenAddressSync, getOrCreateAssociatedTokenAccount } from "@solana/spl-token";
import type { AgentRegistry } from "../../../idl/agent_registry";
import type { Exchange } from "../../../idl/exchange";

// The repository's idl/, from where tsc puts this file (clients/ts/dist/clients/ts/src).
const IDL_DIR = join(__dirname, "..", "..", "..", "..", "..", "..", "idl");

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see the header of example.ts)`);
  return value;
}

function keypair(path: string): Keypair {
  return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(readFileSync(path, "utf8"))));
}

/// Runs `close` unless `account` is already gone, and treats a failure as fine when the account
/// turns out closed by someone else meanwhile (a keeper racing us).
async function unlessClosed(account: PublicKey, close: () => Promise<string>): Promise<void> {
  const connection = new Connection(env("AGX_URL"), "confirmed");
  if ((await connection.getAccountInfo(account)) === null) return;
  try {
    await close();
  } catch (e) {
    if ((await connection.getAccountInfo(account)) !== null) throw e;
  }
}

function idl<T>(name: string): T {
  return JSON.parse(readFileSync(join(IDL_DIR, `${name}.json`), "utf8")) as T;
}

/** The programs as seen by one party (its wallet signs and pays). */
function programs(connection: Connection, who: Keypair) {
  const provider = new AnchorProvider(connection, new Wallet(who), { commitment: "confirmed" });
  return {
    registry: new Program<AgentRegistry>(idl("agent_registry"), provider),
    exchange: new Program<Exchange>(idl("exchange"), provider),
  };
}

const sha256 = (text: string) => Array.from(createHash("sha256").update(text).digest());
/** The name of a fieldless enum value as the client decodes it: `{ awarded: {} }` -> "awarded". */
const variant = (value: object) => Object.keys(value)[0];

async function main() {
  const connection = new Connection(env("AGX_URL"), "confirmed");
  const requester = keypair(env("AGX_REQUESTER_KEYPAIR"));
  const agentKey = keypair(env("AGX_AGENT_KEYPAIR"));
  const payMint = new PublicKey(env("AGX_PAY_MINT"));
  const asRequester = programs(connection, requester);
  const asAgent = programs(connection, agentKey);

  // The stake mint and its token program come from the registry's config (its address is in
  // the IDL); agent_register resolves them itself.
  const [registryConfig] = PublicKey.findProgramAddressSync([Buffer.from("config")], asAgent.registry.programId);
  const config = await asAgent.registry.account.registryConfig.fetch(registryConfig);
  const stakeSource = getAssociatedTokenAddressSync(config.stakeMint, agentKey.publicKey, false, config.stakeTokenProgram);
  const stake = new BN(1_000_000);

  await asAgent.registry.methods
    .agentRegister({ capabilities: new BN(1), capabilityHash: sha256("translate"), metadataUri: "https://agents.example/ts" })
    .rpc();
  const [agent] = PublicKey.findProgramAddressSync(
    [Buffer.from("agent"), agentKey.publicKey.toBuffer()],
    asAgent.registry.programId,
  );
  await asAgent.registry.methods.stakeDeposit({ amount: stake }).accounts({ agent, source: stakeSource }).rpc();

  // The requester posts a continuous auction paid in the payment mint (Token-2022 here), with
  // the smallest bid bond the exchange's config allows.
  const [exchangeConfig] = PublicKey.findProgramAddressSync([Buffer.from("config")], asRequester.exchange.programId);
  const { minBidBond } = await asRequester.exchange.account.exchangeConfig.fetch(exchangeConfig);
  const payProgram = (await connection.getAccountInfo(payMint))!.owner;
  const requesterTokens = getAssociatedTokenAddressSync(payMint, requester.publicKey, false, payProgram);
  const intentId = new BN(Date.now());
  const maxPrice = new BN(2_000_000);
  const contextUri = "https://requests.example/ts/1";
  // The requester's record at the exchange (the intent ids it used: none is accepted twice); created by its
  // first post. At the requester's `createWithSeed` address for the exchange, the seed fixed
  // (`agx_core::address::REQUESTER_SEED`); the IDL cannot say so, so it is named here.
  const requesterState = await PublicKey.createWithSeed(
    requester.publicKey,
    "agx-exchange-requester-record-v1",
    asRequester.exchange.programId,
  );
  // The intent and its escrow are PDAs the program derives itself, more cheaply than Anchor's
  // seeds constraints would (issue 28), so the IDL leaves them to the client.
  const [intent] = PublicKey.findProgramAddressSync(
    [Buffer.from("intent"), requester.publicKey.toBuffer(), intentId.toArrayLike(Buffer, "le", 8)],
    asRequester.exchange.programId,
  );
  const [escrow] = PublicKey.findProgramAddressSync([Buffer.from("escrow"), intent.toBuffer()], asRequester.exchange.programId);
  await asRequester.exchange.methods
    .intentCreate({
      intentId,
      requiredCapabilities: new BN(1),
      minStake: new BN(100_000),
      minReputation: 0,
      weights: [4000, 3000, 2000, 1000],
      maxPrice,
      maxLatency: new BN(50),
      contextHash: sha256(contextUri),
      contextUri,
      successCriteriaHash: sha256("a faithful translation"),
      auctionKind: { continuous: {} },
      bidWindowSlots: new BN(150),
      revealWindowSlots: new BN(0),
      bidBond: minBidBond,
      scoreThreshold: 1,
      maxFailovers: 1,
      tipPerCrank: new BN(5_000),
      vickreyPremiumCapBps: 0, // Vickrey auctions only
      hireAgent: PublicKey.default, // direct hires only
      deadlineSlot: new BN(0), // the whole intent's deadline across failovers (0: none)
      evaluator: PublicKey.default, // who judges its dispute before the arbitrator (none)
      evaluatorFee: new BN(0), // atoms paid to the evaluator when it decides
    })
    .accounts({ intent, escrow, mint: payMint, requesterTokens, tokenProgram: payProgram, requesterState })
    .rpc();
  const posted = await asRequester.exchange.account.intent.fetch(intent);
  const uri = Buffer.from(posted.contextUri.slice(0, posted.contextUriLen)).toString("utf8");

  // The agent bids in the clear; past the threshold it wins at once. The bid's address is its
  // authority's `createWithSeed` for the exchange, the seed 32 hex digits of
  // sha256("agx-bid" || intent || agent || round) (`agx_core::address`): one bid per bidder,
  // intent and round. The program creates the account here; an agent may create it itself first
  // in the same transaction (`SystemProgram.createAccountWithSeed`, rent plus bond), ~1,800 CU less.
  const price = new BN(1_500_000);
  const bidSeed = createHash("sha256")
    .update(Buffer.concat([Buffer.from("agx-bid"), intent.toBuffer(), agent.toBuffer(), Buffer.from([posted.round])]))
    .digest()
    .subarray(0, 16)
    .toString("hex");
  const bid = await PublicKey.createWithSeed(agentKey.publicKey, bidSeed, asAgent.exchange.programId);
  await asAgent.exchange.methods
    .bidPlace({ price, qualityBps: 9000, latency: new BN(10), planHash: sha256("plan"), salt: sha256("salt") }, posted.round)
    .accounts({ intent, agent, bid, registry: {} })
    .rpc();
  const awarded = await asAgent.exchange.account.intent.fetch(intent);

  // It delivers into its own account of the payment mint; the requester accepts and rates it.
  const agentTokens = await getOrCreateAssociatedTokenAccount(
    connection, agentKey, payMint, agentKey.publicKey, false, "confirmed", undefined, payProgram,
  );
  await asAgent.exchange.methods
    .resultSubmit({ resultHash: sha256("the result"), resultUri: "https://results.example/ts/1", fulfilledBps: 10_000 })
    .accounts({ intent, payoutTokens: agentTokens.address })
    .rpc();
  const [exchangeAuthority] = PublicKey.findProgramAddressSync([Buffer.from("authority")], asRequester.exchange.programId);
  const feeVault = getAssociatedTokenAddressSync(payMint, exchangeAuthority, true, payProgram);
  await asRequester.exchange.methods
    .resultAccept({ ratingBps: 9000 })
    // A payment mint that bears reputation pays the exchange's reputation fee into its fee vault:
    // the exchange authority's associated account of the mint.
    .accounts({
      payout: { intent, agentTokens: agentTokens.address, requesterTokens, feeVault, standby: null, registry: {} },
    })
    .rpc();
  const completed = await asRequester.exchange.account.intent.fetch(intent);
  const fee = await getAccount(connection, feeVault, "confirmed", payProgram);

  // Anyone closes the bid (bond and rent back to the bidder) and then the intent. A keeper on
  // the same cluster may close them first (it earns a tip for it): that is fine. With
  // AGX_CLOSE_AFTER_MS the example gives a keeper that long to do it.
  await new Promise((done) => setTimeout(done, Number(process.env.AGX_CLOSE_AFTER_MS ?? "0")));
  await unlessClosed(bid, () => asRequester.exchange.methods.bidClose().accounts({ bid }).rpc());
  // Rated at the promised quality, so no reply holds the intent open: no bond to return.
  await unlessClosed(intent, () =>
    asRequester.exchange.methods.intentClose().accounts({ intent, winnerAuthority: null }).rpc(),
  );

  const paid = await getAccount(connection, agentTokens.address, "confirmed", payProgram);
  const agentAfter = await asAgent.registry.account.agent.fetch(agent);
  console.log(
    JSON.stringify({
      agent: agent.toBase58(),
      intent: intent.toBase58(),
      bid: bid.toBase58(),
      context_uri: uri,
      auction_kind: variant(posted.auctionKind),
      status_after_bid: variant(awarded.status),
      status_after_accept: variant(completed.status),
      payment: completed.payment.toString(),
      agent_paid: paid.amount.toString(),
      fee_vault: feeVault.toBase58(),
      fee_vault_balance: fee.amount.toString(),
      agent_staked: agentAfter.staked.toString(),
      agent_locked: agentAfter.locked.toString(),
      intent_closed: (await connection.getAccountInfo(intent)) === null,
      bid_closed: (await connection.getAccountInfo(bid)) === null,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
