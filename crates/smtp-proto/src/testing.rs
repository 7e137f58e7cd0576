//! proptest strategies (work in progress).
