// bank-account (CommonJS): stateful classes on the main thread, nothing concurrent.
// Shows: an Account class (deposit/withdraw/transfer) whose balances change over time, a Ledger
// that records every movement, an InsufficientFundsError that is thrown, caught and printed, and
// finally an unhandled promise rejection ("audit failed") that nobody catches.
// Run: node examples/bank-account/index.js   Expected exit code: 1 — Node 20's default
// --unhandled-rejections=throw turns the rejection into an uncaught exception; its stack trace
// goes to stderr, stdout is unaffected.
'use strict';

class InsufficientFundsError extends Error {
  constructor(account, amount) {
    super(`${account.owner} cannot withdraw ${amount}: balance is ${account.balance}`);
    this.name = 'InsufficientFundsError';
    this.account = account.id;
    this.amount = amount;
  }
}

class Ledger {
  constructor() {
    this.entries = [];
  }

  record(kind, accountId, amount, balanceAfter) {
    const entry = { seq: this.entries.length + 1, kind, accountId, amount, balanceAfter };
    this.entries.push(entry);
    return entry;
  }

  totalFor(kind) {
    return this.entries.filter((e) => e.kind === kind).reduce((sum, e) => sum + e.amount, 0);
  }
}

class Account {
  static nextId = 100;

  constructor(owner, ledger) {
    this.id = Account.nextId++;
    this.owner = owner;
    this.balance = 0;
    this.ledger = ledger;
    this.history = [];
  }

  deposit(amount) {
    if (!(amount > 0)) throw new RangeError(`deposit must be positive, got ${amount}`);
    this.balance += amount;
    this.history.push(+amount);
    this.ledger.record('deposit', this.id, amount, this.balance);
    return this.balance;
  }

  withdraw(amount) {
    if (amount > this.balance) throw new InsufficientFundsError(this, amount);
    this.balance -= amount;
    this.history.push(-amount);
    this.ledger.record('withdraw', this.id, amount, this.balance);
    return this.balance;
  }

  transfer(to, amount) {
    this.withdraw(amount);
    to.deposit(amount);
    return { from: this.balance, to: to.balance };
  }
}

const ledger = new Ledger();
const alice = new Account('alice', ledger);
const bob = new Account('bob', ledger);

alice.deposit(500);
bob.deposit(120);
console.log(`opened: alice#${alice.id}=${alice.balance} bob#${bob.id}=${bob.balance}`);

alice.transfer(bob, 200);
bob.withdraw(50);
console.log(`after transfer: alice=${alice.balance} bob=${bob.balance}`);

try {
  bob.transfer(alice, 1000);
} catch (err) {
  if (!(err instanceof InsufficientFundsError)) throw err;
  console.log(`caught ${err.name}: ${err.message}`);
}

for (let month = 1; month <= 3; month++) {
  const interest = Math.round(alice.balance * 0.01);
  alice.deposit(interest);
}
console.log(`after interest: alice=${alice.balance} bob=${bob.balance}`);
console.log(
  `ledger: ${ledger.entries.length} entries, deposits=${ledger.totalFor('deposit')} withdrawals=${ledger.totalFor('withdraw')}`,
);
console.log(`alice history: ${alice.history.join(' ')}`);
console.log(`bob history: ${bob.history.join(' ')}`);

// The audit "fails" asynchronously and no one handles the rejection: the process exits with 1.
async function audit(accounts) {
  await null;
  const total = accounts.reduce((sum, a) => sum + a.balance, 0);
  throw new Error(`audit failed: total ${total} does not match ledger`);
}
audit([alice, bob]);
console.log('audit started');
