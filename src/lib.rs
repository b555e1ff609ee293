//! xivo-manage-db library.
