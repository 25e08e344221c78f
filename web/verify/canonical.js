// The canonical encoding (protocol/README.md, "Objects: canonical encoding,
// ids and signatures") of the few objects a receipt holds: Ballot,
// BallotCommitment, Signed<BallotCommitment> and the log entry
// LogEntry::BallotCommitted. Each encoder reads the receipt's JSON form and
// throws an Error naming the field it cannot encode.

import { blake3 } from './blake3.js';
import { concat, fromHex, u32, utf8 } from './bytes.js';

/** `LogEntry::BallotCommitted`'s variant index (declaration order). */
const BALLOT_COMMITTED = 5;

function string(value, what) {
  if (typeof value !== 'string') throw new Error(`${what} is not a string`);
  // A lone surrogate has no UTF-8 form: encoding it would silently change it.
  if (!value.isWellFormed()) throw new Error(`${what} is not valid Unicode`);
  const bytes = utf8(value);
  return concat(u32(bytes.length), bytes);
}

function points(value, what) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`${what} is not a u32`);
  }
  return u32(value);
}

function object(value, what) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} is missing or not an object`);
  }
  return value;
}

/** canonical(Ballot): process, district, voter, choices (project, points). */
export function ballot(value) {
  const b = object(value, 'the ballot');
  if (!Array.isArray(b.choices)) throw new Error('the ballot\'s choices are not a list');
  return concat(
    fromHex(b.process, 32, 'the ballot\'s process'),
    string(b.district, 'the ballot\'s district'),
    fromHex(b.voter, 32, 'the ballot\'s voter key'),
    u32(b.choices.length),
    ...b.choices.map((c, i) => {
      const choice = object(c, `choice ${i}`);
      return concat(
        fromHex(choice.project, 32, `choice ${i}'s project`),
        points(choice.points, `choice ${i}'s points`),
      );
    }),
  );
}

/** canonical(BallotCommitment): process, voter, commitment. */
export function ballotCommitment(value) {
  const c = object(value, 'the commitment value');
  return concat(
    fromHex(c.process, 32, 'the commitment\'s process'),
    fromHex(c.voter, 32, 'the commitment\'s voter key'),
    fromHex(c.commitment, 32, 'the commitment hash'),
  );
}

/** canonical(Signed<BallotCommitment>): value, signer, signature. */
export function signedBallotCommitment(signed) {
  const s = object(signed, 'the signed commitment');
  return concat(
    ballotCommitment(s.value),
    fromHex(s.signer, 32, 'the commitment\'s signer'),
    fromHex(s.signature, 64, 'the commitment\'s signature'),
  );
}

/** canonical(LogEntry::BallotCommitted(signed)): the leaf data. */
export function ballotCommittedEntry(signed) {
  return concat(u32(BALLOT_COMMITTED), signedBallotCommitment(signed));
}

/** `"pbnode/v1/" || type || 0x00 || canonical`: what is signed and hashed. */
export function message(type, canonical) {
  return concat(utf8('pbnode/v1/' + type), Uint8Array.of(0), canonical);
}

/** `C = H("pbnode/v1/ballot-commit" || 0x00 || canonical(ballot) || nonce)`. */
export function commitmentHash(ballotValue, nonceHex) {
  return blake3(concat(message('ballot-commit', ballot(ballotValue)), fromHex(nonceHex, 32, 'the nonce')));
}
