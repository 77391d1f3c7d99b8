//! Reports read from the ledger: fund statements, provider and council views.
