"""The open record, pure: RFC 6962 hashing, tree ranges, proofs and signed checkpoints."""
