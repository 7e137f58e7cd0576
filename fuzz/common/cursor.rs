//! Reads a fuzz input as a script: one byte picks an operation, the next ones its arguments.

/// The unread rest of the input.
pub struct Cursor<'a>(pub &'a [u8]);

impl Cursor<'_> {
    /// The next byte, if any.
    pub fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }

    /// The next `n` bytes, or what is left.
    pub fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}
