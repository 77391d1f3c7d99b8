//! Plain-text accounting journals (hledger, ledger, Beancount) written from the ledger.
