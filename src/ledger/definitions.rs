//! Definitions: opaque, keyed records the ledger keeps in its log for the layers above it
//! (a budget, a payment plan, a service agreement, a policy, a reconciliation). The ledger
//! knows nothing of what they mean: it checks the kind and key are ids and the body is one
//! canonical JSON value of bounded size, records it in order, and undoes it with the rest of a
//! refused linked group. The domain layer ([`crate::book`]) reads them back and gives them
//! their meaning.

use super::*;

/// The largest body a definition may carry, in bytes of its canonical JSON: 1 MiB.
pub const MAX_DEFINITION_BODY: usize = 1 << 20;

/// One definition: what it is (`kind`), which one (`key`), and its content (`body`, the
/// canonical compact JSON text of one value: keys sorted, no spaces). A later definition of the
/// same kind and key is a revision of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "book", derive(serde::Serialize, serde::Deserialize))]
pub struct Definition {
    /// What is defined, e.g. `"budget"`; an id (see [`MAX_ID_LEN`]).
    pub kind: String,
    /// Which one, e.g. the budget's reference; an id.
    pub key: String,
    /// The content: canonical compact JSON.
    pub body: String,
}

impl Definition {
    /// A definition of `kind` and `key` with `body` (canonical compact JSON text).
    pub fn new(kind: impl Into<String>, key: impl Into<String>, body: impl Into<String>) -> Self {
        Definition {
            kind: kind.into(),
            key: key.into(),
            body: body.into(),
        }
    }
}

impl Ledger {
    /// Records a definition ([`Operation::Define`]). Nothing is posted.
    ///
    /// # Errors
    ///
    /// [`LedgerError::InvalidId`] for a bad kind or key; [`LedgerError::InvalidDefinition`] for
    /// a body over [`MAX_DEFINITION_BODY`] or (with the `serde` feature) one that is not a
    /// single JSON value in canonical form.
    pub fn define(&mut self, definition: Definition) -> Result<(), LedgerError> {
        check_id("definition kind", &definition.kind)?;
        check_id("definition key", &definition.key)?;
        if definition.body.len() > MAX_DEFINITION_BODY {
            return Err(LedgerError::InvalidDefinition {
                key: crate::error::echo(&definition.key),
                reason: "body is over 1 MiB",
            });
        }
        #[cfg(feature = "serde")]
        {
            let canonical = serde_json::from_str::<serde_json::Value>(&definition.body)
                .map(|v| v.to_string())
                .map_err(|_| LedgerError::InvalidDefinition {
                    key: crate::error::echo(&definition.key),
                    reason: "body is not one JSON value",
                })?;
            if canonical != definition.body {
                return Err(LedgerError::InvalidDefinition {
                    key: crate::error::echo(&definition.key),
                    reason: "body is not canonical JSON (compact, keys sorted)",
                });
            }
        }
        let index = self.definitions.len() as u32;
        self.definitions.push(definition);
        self.ops.push(OpRef::Define(index));
        Ok(())
    }

    /// Every definition recorded, in the order recorded.
    pub fn definitions(&self) -> &[Definition] {
        &self.definitions
    }
}
