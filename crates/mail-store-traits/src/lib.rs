//! The storage seam of mailwire: traits, types and errors that mail servers embed.
